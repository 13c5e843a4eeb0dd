from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "pfspilot.desk"
    label = "desk"
    verbose_name = "Poste du téléconseiller"
