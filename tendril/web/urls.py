from django.urls import path

from tendril.web import public, views

app_name = "web"

urlpatterns = [
    # Public: visitors fill forms and confirm their consent without signing in.
    path("f/confirm/<str:token>", public.consent_confirm, name="consent_confirm"),
    path("a/<str:token>", public.asset_download, name="asset_download"),
    path("f/<str:key>/embed.js", public.embed_js, name="form_embed"),
    path("f/<str:key>", public.form_page, name="form_page"),
    # Screens (signed-in users): the form builder.
    path("forms/", views.form_list, name="form_list"),
    path("forms/new/", views.form_new, name="form_new"),
    path("forms/<int:pk>/", views.form_detail, name="form_detail"),
    path("forms/<int:pk>/edit/", views.form_edit, name="form_edit"),
    path("forms/<int:pk>/delete/", views.form_delete, name="form_delete"),
]
