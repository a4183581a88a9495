from django.urls import path, re_path

from tendril.web import landing_views, public, views

app_name = "web"

urlpatterns = [
    # Public: visitors fill forms and confirm their consent without signing in.
    path("f/confirm/<str:token>", public.consent_confirm, name="consent_confirm"),
    path("a/<str:token>", public.asset_download, name="asset_download"),
    path("f/<str:key>/embed.js", public.embed_js, name="form_embed"),
    path("f/<str:key>", public.form_page, name="form_page"),
    re_path(
        r"^p/img/(?P<stored>[0-9a-f]{32})\.(?P<extension>png|jpg|gif|webp)$",
        landing_views.page_image,
        name="page_image",
    ),
    path("p/<slug:slug>", landing_views.landing_page, name="landing_page"),
    # Screens (signed-in users): the form builder.
    path("forms/", views.form_list, name="form_list"),
    path("forms/new/", views.form_new, name="form_new"),
    path("forms/<int:pk>/", views.form_detail, name="form_detail"),
    path("forms/<int:pk>/edit/", views.form_edit, name="form_edit"),
    path("forms/<int:pk>/delete/", views.form_delete, name="form_delete"),
    # Landing pages live under Forms & pages (the menu entry stays lit on them).
    path("forms/pages/", landing_views.page_list, name="page_list"),
    path("forms/pages/new/", landing_views.page_new, name="page_new"),
    path("forms/pages/<int:pk>/", landing_views.page_detail, name="page_detail"),
    path("forms/pages/<int:pk>/edit/", landing_views.page_edit, name="page_edit"),
    path("forms/pages/<int:pk>/preview/", landing_views.page_preview, name="page_preview"),
    path("forms/pages/<int:pk>/publish/", landing_views.page_publish, name="page_publish"),
    path("forms/pages/<int:pk>/unpublish/", landing_views.page_unpublish, name="page_unpublish"),
    path("forms/pages/<int:pk>/delete/", landing_views.page_delete, name="page_delete"),
]
