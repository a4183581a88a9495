from django.urls import include, path

from tendril.accounts.views import language_set
from tendril.api import api

urlpatterns = [
    path("api/", api.urls),
    # Django's name for the language switcher's target; it also saves a signed-in user's choice.
    path("i18n/setlang/", language_set, name="set_language"),
    path("", include("tendril.ui.urls")),
    path("", include("tendril.accounts.urls")),
    path("", include("tendril.contacts.urls")),
    path("", include("tendril.system.urls")),
    path("", include("tendril.segments.urls")),
    path("", include("tendril.scoring.urls")),
    path("", include("tendril.tracking.urls")),
    path("", include("tendril.lifecycle.urls")),
    path("", include("tendril.alerts.urls")),
    path("", include("tendril.personas.urls")),
    path("", include("tendril.web.urls")),
    path("", include("tendril.preferences.urls")),
    path("", include("tendril.personalisation.urls")),
    path("", include("tendril.messaging.urls")),
    path("", include("tendril.notifications.urls")),
]
