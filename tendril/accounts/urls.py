"""Account screens: your own preferences, and under Settings the admins' screens."""

from django.urls import path

from tendril.accounts import views

app_name = "accounts"

urlpatterns = [
    path("settings/preferences/", views.preferences, name="preferences"),
    path("settings/users/", views.users, name="users"),
    path("settings/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("settings/users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("settings/users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("settings/api-keys/", views.api_keys, name="api_keys"),
    path("settings/api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("settings/audit/", views.audit_log, name="audit_log"),
]
