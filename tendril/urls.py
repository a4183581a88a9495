from django.urls import include, path

from tendril.api import api

urlpatterns = [
    path("api/", api.urls),
    path("", include("tendril.ui.urls")),
    path("", include("tendril.accounts.urls")),
    path("", include("tendril.contacts.urls")),
    path("", include("tendril.system.urls")),
]
