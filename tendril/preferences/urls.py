"""Consent and preferences: the marketers' topic screens, and the person's own pages reached
from the links in our emails (no sign-in)."""

from django.urls import path

from tendril.preferences import public, views

app_name = "preferences"

urlpatterns = [
    path("settings/topics/", views.topic_list, name="topic_list"),
    path("settings/topics/new/", views.topic_new, name="topic_new"),
    path("settings/topics/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("settings/topics/<int:pk>/archive/", views.topic_archive, name="topic_archive"),
    # Public: the preference centre and the one-click unsubscribe (RFC 8058).
    path("u/<str:token>", public.centre, name="centre"),
    path("u/<str:token>/one-click", public.one_click, name="one_click"),
]
