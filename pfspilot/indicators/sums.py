"""The dashboard's sums: regrouping the daily sums in memory, and their indicators (ratios
of sums, `engine.indicators.rates_of_sums`)."""

import polars as pl

from pfspilot.engine import indicators as engine

from . import selectors


def rates(s: dict) -> dict:
    """One row of sums (`DailyStats` columns) with its indicators: `engine.rates_of_sums`."""
    return {
        **s,
        **engine.rates_of_sums(
            offered=s.get("calls_offered"),
            answered=s.get("calls_answered"),
            ivr_handled=s.get("calls_ivr"),
            abandoned=s.get("calls_abandoned"),
            identified=s.get("calls_identified"),
            repeats=s.get("calls_repeat"),
            wait_answered_s=s.get("wait_answered_s"),
            wait_known=s.get("calls_wait_known"),
            answered_within_sl=s.get("calls_within_sl"),
            handle_s=s.get("handle_s"),
            handle_known=s.get("calls_handle_known"),
            phone_hours=s.get("phone_hours"),
            email_hours=s.get("email_hours"),
            emails_answered=s.get("emails_answered"),
            level1_due=s.get("level1_due"),
            level1_within=s.get("level1_within"),
            complaints_due=s.get("complaints_due"),
            complaints_within=s.get("complaints_within"),
        ),
    }


def regroup(frame: pl.DataFrame, keys: tuple[str, ...], **equal) -> list[dict]:
    """Sums of `frame` (already per team/agent/period) per `keys`, on rows matching `equal`."""
    for name, value in equal.items():
        frame = frame.filter(pl.col(name) == value)
    if frame.is_empty():
        return []
    sums = [pl.col(name).fill_null(0).sum() for name in selectors.SUM_FIELDS]
    if not keys:
        return frame.select(sums).to_dicts()
    return frame.group_by(list(keys)).agg(sums).sort(list(keys)).to_dicts()
