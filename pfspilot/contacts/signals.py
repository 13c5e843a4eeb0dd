"""Signals of the contacts app."""

from django.dispatch import Signal

# Sent after the commit of an import that added records; kwargs: kind, start, end (dates, local).
records_imported = Signal()
