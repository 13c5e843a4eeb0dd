from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "pfspilot.planning"
    label = "planning"
    verbose_name = "Planification"
