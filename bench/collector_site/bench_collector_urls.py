"""Tendril's URLs and ``POST /bench/noop``: the least a Django view can do (answer 204), so the
collector's rate can be read against it, through the same middleware in the same process."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from tendril.urls import urlpatterns as tendril_urlpatterns


@csrf_exempt
def noop(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=204)


urlpatterns = [*tendril_urlpatterns, path("bench/noop", noop)]
