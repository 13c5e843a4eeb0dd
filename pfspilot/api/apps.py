from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pfspilot.api"
    label = "api"
    verbose_name = "API"
