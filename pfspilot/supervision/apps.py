from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "pfspilot.supervision"
    label = "supervision"
    verbose_name = "Supervision et accompagnement"
