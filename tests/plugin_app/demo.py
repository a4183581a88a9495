from tendril.core.demo import DemoContext, demo_step


@demo_step("plugin_app", order=90)
def webinars_demo(context: DemoContext) -> dict[str, int]:
    return {"webinars": 1}
