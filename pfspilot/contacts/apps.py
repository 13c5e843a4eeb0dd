from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "pfspilot.contacts"
    label = "contacts"
    verbose_name = "Contacts"
