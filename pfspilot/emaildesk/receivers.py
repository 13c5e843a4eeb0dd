"""Signal receivers of the email desk: mails stored by the intake, logouts, email imports."""

from . import services


def on_message_received(sender, message, **kwargs):
    """Receiver of `mailbox.signals.message_received` (sent inside the storing transaction):
    the stored mail becomes an email of the desk (`services.receive_email`)."""
    services.receive_email(
        message_id=message.message_id,
        from_address=message.from_address,
        from_name=message.from_name,
        subject=message.subject,
        received_at=message.received_at,
        text=message.text,
        html=message.html_sanitised,
        in_reply_to=message.in_reply_to,
        references=message.references,
        auto_submitted=message.auto_submitted,
        bounce=message.bounce,
        mailbox_name=message.mailbox.name if getattr(message, "mailbox_id", None) else None,
    )


def may_read_message(user, message) -> bool:
    """Check registered with the intake (`mailbox.selectors.MESSAGE_ACCESS`): a received
    message's attachments are for those who may see its email in the desk."""
    from .models import EmailItem

    return EmailItem.objects.visible_to(user).filter(message_id=message.message_id).exists()


def on_logout(sender, request=None, user=None, **kwargs):
    """Receiver of `user_logged_out`: the emails the agent held go back to the queue."""
    if user is not None and getattr(user, "is_authenticated", False):
        services.release_all(user)
