from django.urls import path

from tendril.tracking import views

urlpatterns = [
    path("t/tendril.js", views.tendril_js, name="tracking-snippet"),
    path("t/collect", views.collect, name="tracking-collect"),
]
