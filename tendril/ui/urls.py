from django.urls import path

from tendril.ui import views, views_contacts, views_settings

app_name = "ui"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("coming/<slug:capability>/", views.coming, name="coming"),
    # Contacts
    path("contacts/", views_contacts.contact_list, name="contact_list"),
    path("contacts/<int:pk>/", views_contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/timeline/", views_contacts.contact_timeline, name="contact_timeline"),
    path("contacts/<int:pk>/consent/", views_contacts.contact_consent, name="contact_consent"),
    path(
        "contacts/<int:pk>/personal-data.json",
        views_contacts.contact_personal_data,
        name="contact_personal_data",
    ),
    path("contacts/<int:pk>/erase/", views_contacts.contact_erase, name="contact_erase"),
    # Companies
    path("companies/", views.company_list, name="company_list"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    # Settings
    path("settings/", views_settings.settings_index, name="settings"),
    path("settings/fields/", views_settings.custom_fields, name="custom_fields"),
    path(
        "settings/fields/<int:pk>/delete/",
        views_settings.custom_field_delete,
        name="custom_field_delete",
    ),
    path("settings/users/", views_settings.users, name="users"),
    path("settings/users/<int:pk>/", views_settings.user_edit, name="user_edit"),
    path(
        "settings/users/<int:pk>/deactivate/",
        views_settings.user_deactivate,
        name="user_deactivate",
    ),
    path(
        "settings/users/<int:pk>/reactivate/",
        views_settings.user_reactivate,
        name="user_reactivate",
    ),
    path("settings/api-keys/", views_settings.api_keys, name="api_keys"),
    path(
        "settings/api-keys/<int:pk>/revoke/",
        views_settings.api_key_revoke,
        name="api_key_revoke",
    ),
    path("settings/audit/", views_settings.audit_log, name="audit_log"),
]
