"""Screens owned by contacts: the dashboard, contacts, companies, custom fields, import/export."""

from django.urls import path

from tendril.contacts.views import companies, contacts, custom_fields, dashboard, import_export

app_name = "contacts"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # Contacts
    path("contacts/", contacts.contact_list, name="contact_list"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/timeline/", contacts.contact_timeline, name="contact_timeline"),
    path("contacts/<int:pk>/consent/", contacts.contact_consent, name="contact_consent"),
    path(
        "contacts/<int:pk>/personal-data.json",
        contacts.contact_personal_data,
        name="contact_personal_data",
    ),
    path("contacts/<int:pk>/erase/", contacts.contact_erase, name="contact_erase"),
    path("contacts/import/", import_export.import_upload, name="import"),
    path("contacts/import/<int:pk>/", import_export.import_preview_page, name="import_preview"),
    path("contacts/import/<int:pk>/status/", import_export.import_status, name="import_status"),
    path("contacts/import/<int:pk>/undo/", import_export.import_undo, name="import_undo"),
    path("contacts/export.csv", import_export.export_csv, name="export"),
    # Companies
    path("companies/", companies.company_list, name="company_list"),
    path("companies/<int:pk>/", companies.company_detail, name="company_detail"),
    # Settings
    path("settings/fields/", custom_fields.custom_fields, name="custom_fields"),
    path(
        "settings/fields/<int:pk>/delete/",
        custom_fields.custom_field_delete,
        name="custom_field_delete",
    ),
]
