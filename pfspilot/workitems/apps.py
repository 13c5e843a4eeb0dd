from django.apps import AppConfig


class WorkItemsConfig(AppConfig):
    name = "pfspilot.workitems"
    label = "workitems"
    verbose_name = "Éléments de travail"
