from django.urls import path, re_path

from tendril.tracking import collector

urlpatterns = [
    # Public, for browsers and SDKs: a site key writes, nothing reads.
    path("t/tendril.js", collector.tendril_js, name="tracking-snippet"),
    path("t/collect", collector.collect, name="tracking-collect"),
    re_path(
        r"^v1/(?P<kind>identify|track|page|screen|group|alias|batch)$",
        collector.segment_ingest,
        name="tracking-segment",
    ),
    # Screens (signed-in users).
]
