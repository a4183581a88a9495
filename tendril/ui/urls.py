from django.urls import path

from tendril.ui import views

app_name = "ui"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("contacts/", views.home, name="contact_list"),
    path("companies/", views.home, name="company_list"),
    path("settings/", views.home, name="settings"),
    path("coming/<slug:capability>/", views.home, name="coming"),
]
