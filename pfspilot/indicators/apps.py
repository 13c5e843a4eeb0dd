from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "pfspilot.indicators"
    label = "indicators"
    verbose_name = "Indicateurs COG"

    def ready(self):
        from pfspilot.contacts.signals import records_imported

        from .services import on_records_imported

        # The dashboard's daily sums follow every import of records.
        records_imported.connect(on_records_imported, dispatch_uid="indicators_refresh")
