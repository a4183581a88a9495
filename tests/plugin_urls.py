"""Tendril's URLs plus the test app's: the one line a new capability adds to the root urls."""

from django.urls import include, path

from tendril.urls import urlpatterns as tendril_urls

urlpatterns = [*tendril_urls, path("", include("tests.plugin_app.urls"))]
