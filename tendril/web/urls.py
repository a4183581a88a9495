from django.urls import path

from tendril.web import public

app_name = "web"

urlpatterns = [
    # Public: visitors fill forms and confirm their consent without signing in.
    path("f/confirm/<str:token>", public.consent_confirm, name="consent_confirm"),
    path("f/<str:key>/embed.js", public.embed_js, name="form_embed"),
    path("f/<str:key>", public.form_page, name="form_page"),
]
