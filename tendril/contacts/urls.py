"""Screens owned by contacts (CSV import and export)."""

from django.urls import path

from tendril.contacts import views

app_name = "contacts"

urlpatterns = [
    path("contacts/import/", views.import_upload, name="import"),
    path("contacts/import/<int:pk>/", views.import_preview_page, name="import_preview"),
    path("contacts/import/<int:pk>/status/", views.import_status, name="import_status"),
    path("contacts/export.csv", views.export_csv, name="export"),
]
