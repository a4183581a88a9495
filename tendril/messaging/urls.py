"""Email screens (signed-in users)."""

from django.urls import path

from tendril.messaging import views

app_name = "messaging"

urlpatterns = [
    path("emails/", views.email_list, name="email_list"),
    path("emails/new/", views.email_new, name="email_new"),
    path("emails/<int:pk>/", views.email_detail, name="email_detail"),
    path("emails/<int:pk>/edit/", views.email_edit, name="email_edit"),
    path("emails/<int:pk>/frame/", views.email_frame, name="email_frame"),
    path("emails/<int:pk>/test/", views.email_test, name="email_test"),
    path("emails/<int:pk>/delete/", views.email_delete, name="email_delete"),
]
