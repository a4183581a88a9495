"""The demo's tracked site: the Brightloop website whose page views the demo's contacts made, so
the Sites screen shows a site with its snippet from the first start."""

from __future__ import annotations

from tendril.contacts.demo import SITE
from tendril.core.demo import DemoContext, demo_step
from tendril.tracking.models import Site
from tendril.tracking.services import domain_clean, site_create

DEMO_SITE = "Brightloop website"


@demo_step("tracking", order=25)
def tracking_demo(context: DemoContext) -> dict[str, int]:
    if Site.objects.filter(name=DEMO_SITE).exists():
        return {"sites": 0}
    host = domain_clean(SITE, field="domains")
    site_create(
        data={"name": DEMO_SITE, "domains": [host, f"*.{host.removeprefix('www.')}"]}, by=None
    )
    context.say("sites 1")
    return {"sites": 1}
