from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "tendril.contacts"
    label = "contacts"
    verbose_name = "Contacts"
