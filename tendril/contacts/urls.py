"""Screens owned by contacts: the dashboard, contacts, companies, custom fields, import/export."""

from django.urls import path

from tendril.contacts.views import (
    bulk,
    companies,
    contact_form,
    contact_list,
    contacts,
    custom_fields,
    dashboard,
    import_export,
    merge,
    saved_views,
)

app_name = "contacts"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # Contacts
    path("contacts/", contact_list.contact_list, name="contact_list"),
    path("contacts/new/", contact_form.contact_new, name="contact_new"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/timeline/", contacts.contact_timeline, name="contact_timeline"),
    path("contacts/<int:pk>/consent/", contacts.contact_consent, name="contact_consent"),
    path(
        "contacts/<int:pk>/personal-data.json",
        contacts.contact_personal_data,
        name="contact_personal_data",
    ),
    path("contacts/<int:pk>/erase/", contacts.contact_erase, name="contact_erase"),
    path("contacts/<int:pk>/merge/", merge.contact_merge, name="contact_merge"),
    path("contacts/import/", import_export.import_upload, name="import"),
    path("contacts/import/<int:pk>/", import_export.import_preview_page, name="import_preview"),
    path("contacts/import/<int:pk>/status/", import_export.import_status, name="import_status"),
    path("contacts/import/<int:pk>/undo/", import_export.import_undo, name="import_undo"),
    path("contacts/export.csv", import_export.export_csv, name="export"),
    path("contacts/views/", saved_views.saved_view_save, name="saved_view_save"),
    path(
        "contacts/views/<int:pk>/update/",
        saved_views.saved_view_change,
        name="saved_view_update",
    ),
    path(
        "contacts/views/<int:pk>/delete/", saved_views.saved_view_remove, name="saved_view_delete"
    ),
    path("contacts/bulk/", bulk.bulk_start, name="bulk_start"),
    path("contacts/bulk/<int:pk>/", bulk.bulk_job, name="bulk_job"),
    path("contacts/bulk/<int:pk>/export.csv", bulk.bulk_job_download, name="bulk_job_download"),
    # Companies
    path("companies/", companies.company_list, name="company_list"),
    path("companies/<int:pk>/", companies.company_detail, name="company_detail"),
    path("companies/new/", companies.company_new, name="company_new"),
    path("companies/<int:pk>/edit/", companies.company_edit, name="company_edit"),
    path("companies/suggest/", companies.company_suggest, name="company_suggest"),
    # Settings
    path("settings/fields/", custom_fields.custom_fields, name="custom_fields"),
    path(
        "settings/fields/<int:pk>/delete/",
        custom_fields.custom_field_delete,
        name="custom_field_delete",
    ),
]
