from django.urls import path

from tendril.personalisation import public, views

app_name = "personalisation"

urlpatterns = [
    # Public, for the snippet on a site's pages: the site key, nothing that reads data.
    path("t/decide", public.decide, name="decide"),
    path("t/popup", public.popup_event, name="popup_event"),
    # Screens (marketing).
    path("personalisation/", views.slot_list, name="slot_list"),
    path("personalisation/slots/new/", views.slot_new, name="slot_new"),
    path("personalisation/slots/<int:pk>/", views.slot_detail, name="slot_detail"),
    path("personalisation/slots/<int:pk>/edit/", views.slot_edit, name="slot_edit"),
    path("personalisation/slots/<int:pk>/delete/", views.slot_delete, name="slot_delete"),
    path("personalisation/popups/", views.popup_list, name="popup_list"),
    path("personalisation/popups/new/", views.popup_new, name="popup_new"),
    path("personalisation/popups/<int:pk>/", views.popup_edit, name="popup_edit"),
    path("personalisation/popups/<int:pk>/delete/", views.popup_delete, name="popup_delete"),
]
