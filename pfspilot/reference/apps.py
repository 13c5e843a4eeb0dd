from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "pfspilot.reference"
    label = "reference"
    verbose_name = "Référentiel"
