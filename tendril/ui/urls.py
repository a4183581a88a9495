"""The shell's own pages; every app's screens come from that app's ``urls.py``."""

from django.urls import path

from tendril.ui import views

app_name = "ui"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("coming/<slug:capability>/", views.coming, name="coming"),
    path("settings/", views.settings_index, name="settings"),
]
