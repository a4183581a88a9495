"""Screens owned by contacts (CSV import and export)."""

from django.urls import URLPattern

app_name = "contacts"

urlpatterns: list[URLPattern] = []
