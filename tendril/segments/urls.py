"""Segment screens: the list, one segment with its members, a static list's forms, delete."""

from django.urls import path

from tendril.segments import views

app_name = "segments"

urlpatterns = [
    path("segments/", views.segment_list, name="segment_list"),
    path("segments/new-static/", views.segment_new_static, name="segment_new_static"),
    path("segments/<int:pk>/", views.segment_detail, name="segment_detail"),
    path("segments/<int:pk>/add/", views.segment_add, name="segment_add"),
    path("segments/<int:pk>/remove/", views.segment_remove, name="segment_remove"),
    path("segments/<int:pk>/delete/", views.segment_delete, name="segment_delete"),
]
