"""Segment screens: the list, a segment and its members, the builder, static lists, delete."""

from django.urls import path

from tendril.segments import views

app_name = "segments"

urlpatterns = [
    path("segments/", views.segment_list, name="segment_list"),
    path("segments/new/", views.segment_new, name="segment_new"),
    path("segments/preview/", views.segment_preview, name="segment_preview"),
    path("segments/new-static/", views.segment_new_static, name="segment_new_static"),
    path("segments/<int:pk>/", views.segment_detail, name="segment_detail"),
    path("segments/<int:pk>/edit/", views.segment_edit, name="segment_edit"),
    path("segments/<int:pk>/add/", views.segment_add, name="segment_add"),
    path("segments/<int:pk>/upload/", views.segment_upload, name="segment_upload"),
    path("segments/<int:pk>/remove/", views.segment_remove, name="segment_remove"),
    path("segments/<int:pk>/delete/", views.segment_delete, name="segment_delete"),
]
