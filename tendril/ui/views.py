from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse

login_view = LoginView.as_view()


def home(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("Tendril")
