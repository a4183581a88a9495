from django.urls import path

from tendril.tracking import collector

urlpatterns = [
    # Public, for browsers and SDKs: a site key writes, nothing reads.
    path("t/tendril.js", collector.tendril_js, name="tracking-snippet"),
    path("t/collect", collector.collect, name="tracking-collect"),
    # Screens (signed-in users).
]
