from celery import shared_task

from tendril.core.scheduler import periodic


@periodic(every=60.0)
@shared_task(name="plugin_app.nightly")
def nightly() -> int:
    return 0
