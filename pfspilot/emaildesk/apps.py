from django.apps import AppConfig, apps


class EmailDeskConfig(AppConfig):
    name = "pfspilot.emaildesk"
    label = "emaildesk"
    verbose_name = "Courriels (files, réponses, modèles)"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from pfspilot.contacts.signals import records_imported

        from .receivers import on_logout
        from .services import on_records_imported

        user_logged_out.connect(on_logout, dispatch_uid="emaildesk_release_on_logout")
        records_imported.connect(on_records_imported, dispatch_uid="emaildesk_queue_imported")
        # The intake (app « mailbox ») sends `message_received` once a mail is stored.
        if apps.is_installed("pfspilot.mailbox"):
            from pfspilot.mailbox.selectors import MESSAGE_ACCESS
            from pfspilot.mailbox.signals import message_received

            from .receivers import may_read_message, on_message_received

            message_received.connect(on_message_received, dispatch_uid="emaildesk_received")
            if may_read_message not in MESSAGE_ACCESS:
                MESSAGE_ACCESS.append(may_read_message)
