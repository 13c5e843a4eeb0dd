"""`message_received(sender=ReceivedMessage, message=...)`: sent by `services.store_message`
INSIDE the transaction that stores the message (not on commit), so that a receiver (the email
desk's queue) writes in the same transaction: a message is stored with its queue item or not at
all. A receiver that raises undoes the storing; the poll leaves the message on the server and
tries again next time."""

from django.dispatch import Signal

message_received = Signal()
