"""Personas screens."""

from django.urls import URLPattern

app_name = "personas"

urlpatterns: list[URLPattern] = []
