"""Capacity: funded ETP needed for a year's volumes at the COG productions, against those funded.

Pure Python, no Django. Definitions (note « Précisions » and §B):

- Calls the agents must answer, `calls_to_answer` = max(0, pickup target × offered − IVR-only):
  the décroché counts calls treated by agents or fully by the IVR, so the agents owe the rest of
  the target share of the offered calls.
- One funded ETP produces, per year, 7 600 answered calls **and** 1 700 answered emails (2026;
  8 000 and 2 000 in 2027), spending 85 % of its time on the phone and 15 % on emails.
  Hence calls/7 600 ETP are needed for the calls and emails/1 700 for the emails.
- With the 85/15 split held (the note's rule), the same ETPs do both: the need is the larger of
  the two (`fte_needed`), and the other channel has spare capacity.
- If time could move between channels, a call takes 0.85/7 600 of an ETP-year and an email
  0.15/1 700: the need is 0.85 × calls/7 600 + 0.15 × emails/1 700 (`fte_needed_pooled`), never
  more than the split need; the difference is what the fixed split costs.
- Hours view: phone hours needed = calls_to_answer / calls per hour (10, note §B.1); phone hours
  available = Σ agents' ETP × phone hours per day (6, note §F) × working days present (working
  days of their contract in the year, training Thursdays and recorded absences taken out).
  The COG productions are lower than the hours view allows: they budget leave, breaks and
  supervision that the hours view only counts when recorded as absences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


class CapacityInputError(ValueError):
    """Inputs capacity cannot use (message in French)."""


@dataclass(frozen=True)
class Capacity:
    calls_offered: float
    ivr_calls: float
    emails: float
    pickup_target: float
    calls_per_fte: float
    emails_per_fte: float
    phone_share: float
    email_share: float
    calls_to_answer: float
    fte_calls: float  # ETP for the calls alone
    fte_emails: float  # ETP for the emails alone
    fte_needed: float  # split held: max of the two
    fte_needed_pooled: float  # time movable between channels
    binding: str  # "calls" or "emails": the channel that sets the need
    fte_available: float
    fte_gap: float  # available − needed (negative: missing ETP)
    phone_hours_needed: float
    phone_hours_available: float
    phone_hours_gap: float


def capacity(
    *,
    calls_offered: float,
    ivr_calls: float,
    emails: float,
    pickup_target: float,
    calls_per_fte: float,
    emails_per_fte: float,
    phone_share: float,
    email_share: float,
    fte_available: float,
    phone_hours_available: float,
    calls_per_hour: float,
) -> Capacity:
    """Funded ETP and phone hours needed against available (see the module docstring)."""
    for name, value in (
        ("appels par ETP", calls_per_fte),
        ("courriels par ETP", emails_per_fte),
        ("appels par heure", calls_per_hour),
    ):
        if not value > 0 or math.isinf(value):
            raise CapacityInputError(f"{name} doit être strictement positif")
    for name, value in (
        ("appels reçus", calls_offered),
        ("appels traités par le SVI", ivr_calls),
        ("courriels", emails),
        ("ETP disponibles", fte_available),
        ("heures de téléphonie disponibles", phone_hours_available),
    ):
        if value < 0 or math.isnan(value):
            raise CapacityInputError(f"{name} ne peut pas être négatif")
    if not 0 < pickup_target < 1:
        raise CapacityInputError("la cible de décroché doit être comprise entre 0 et 100 %")
    if abs(phone_share + email_share - 1) > 1e-9 or phone_share < 0 or email_share < 0:
        raise CapacityInputError("les parts téléphone et courriels doivent totaliser 100 %")
    calls_to_answer = max(0.0, pickup_target * calls_offered - ivr_calls)
    fte_calls = calls_to_answer / calls_per_fte
    fte_emails = emails / emails_per_fte
    fte_needed = max(fte_calls, fte_emails)
    phone_hours_needed = calls_to_answer / calls_per_hour
    return Capacity(
        calls_offered=calls_offered,
        ivr_calls=ivr_calls,
        emails=emails,
        pickup_target=pickup_target,
        calls_per_fte=calls_per_fte,
        emails_per_fte=emails_per_fte,
        phone_share=phone_share,
        email_share=email_share,
        calls_to_answer=calls_to_answer,
        fte_calls=fte_calls,
        fte_emails=fte_emails,
        fte_needed=fte_needed,
        fte_needed_pooled=phone_share * fte_calls + email_share * fte_emails,
        binding="calls" if fte_calls >= fte_emails else "emails",
        fte_available=fte_available,
        fte_gap=fte_available - fte_needed,
        phone_hours_needed=phone_hours_needed,
        phone_hours_available=phone_hours_available,
        phone_hours_gap=phone_hours_available - phone_hours_needed,
    )
