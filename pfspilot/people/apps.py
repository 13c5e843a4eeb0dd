from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "pfspilot.people"
    label = "people"
    verbose_name = "Personnes et rôles"
