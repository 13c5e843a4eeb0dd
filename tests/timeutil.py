"""Instants for the tests: Paris wall-clock readings as the canonical frames hold them."""

import datetime as dt
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris(*args, fold: int = 0) -> dt.datetime:
    """`dt.datetime(*args)` read on the Paris clock; fold=1 is the repeat of the autumn change."""
    return dt.datetime(*args, tzinfo=PARIS, fold=fold)


def utc(moment: dt.datetime) -> dt.datetime:
    """The instant in UTC: aware datetimes of one zone compare by wall clock, not by instant."""
    return moment.astimezone(dt.UTC)
