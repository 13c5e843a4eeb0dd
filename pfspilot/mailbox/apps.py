from django.apps import AppConfig


class MailboxConfig(AppConfig):
    name = "pfspilot.mailbox"
    label = "mailbox"
    verbose_name = "Boîtes aux lettres (courriels entrants)"
