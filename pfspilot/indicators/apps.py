from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "pfspilot.indicators"
    label = "indicators"
    verbose_name = "Indicateurs COG"
