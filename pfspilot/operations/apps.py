from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Operating the platform: backups and restores of the database and the uploads."""

    name = "pfspilot.operations"
    verbose_name = "Exploitation"
