"""Forecast and capacity pages: parse the query, call one function, render."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.engine import calendar
from pfspilot.engine.forecast import slot_starts
from pfspilot.people.access import can, requires
from pfspilot.reference.selectors import platform_rules

from . import selectors, services
from .selectors import SHRINKAGE_DAYS, next_working_day
from .views import parse_day


class OverrideForm(forms.Form):
    """Field types only; the rules (open day, slot, one of factor / calls) live in the service."""

    slot_start = forms.ChoiceField(label=gettext_lazy("Demi-heure"), required=False)
    factor = forms.DecimalField(
        label=gettext_lazy("Coefficient"),
        required=False,
        max_digits=5,
        decimal_places=2,
        localize=True,
    )
    calls = forms.IntegerField(label=gettext_lazy("Appels prévus"), required=False, min_value=0)
    reason = forms.CharField(label=gettext_lazy("Raison"), required=False, max_length=200)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot_start"].choices = [("", _("Toute la journée"))] + [
            (f"{s:%H:%M}", f"{s:%H:%M}") for s in slots
        ]


def _parse_day(value: str | None) -> tuple[dt.date, str | None]:
    """Defaults to today if it is a working day, else to the next one."""
    today = timezone.localdate()
    return parse_day(value, next_working_day(today - dt.timedelta(days=1)))


def _forecast_url(day: dt.date) -> str:
    return f"{reverse('planning:forecast')}?jour={day.isoformat()}"


@requires({"GET": "planning", "POST": "forecast.override"})
def forecast(request):
    day, day_error = _parse_day(request.GET.get("jour"))
    rules = platform_rules(day)
    slots = slot_starts(rules.opening, rules.closing)
    form = OverrideForm(request.POST or None, slots=slots)
    if request.method == "POST" and not day_error and form.is_valid():
        data = form.cleaned_data
        try:
            services.forecast_override_set(
                day=day,
                slot_start=dt.time.fromisoformat(data["slot_start"])
                if data["slot_start"]
                else None,
                factor=data["factor"],
                calls=data["calls"],
                reason=data["reason"],
                created_by=request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "day" in exc.error_dict:
                day_error = " ".join(exc.error_dict.pop("day")[0].messages)
            form.add_error(None, exc)
        else:
            messages.success(request, _("Correction enregistrée."))
            return redirect(_forecast_url(day))
    report = error = None
    try:
        report = selectors.forecast_report(day)
    except selectors.ForecastUnavailable as exc:
        error = str(exc)
    context = {
        "day": day,
        "day_error": day_error,
        "report": report,
        "error": error,
        "form": form,
        "overrides": selectors.overrides_for_day(day),
        "can_override": can(request.user, "forecast.override"),
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
    }
    status = 400 if request.method == "POST" or day_error else 200
    return render(request, "planning/forecast.html", context, status=status)


@requires({"POST": "forecast.override"})
def forecast_override_delete(request):
    try:
        day = services.forecast_override_delete(override_id=request.POST.get("override"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        day, _error = _parse_day(request.POST.get("jour"))
    else:
        messages.success(request, _("Correction supprimée."))
    return redirect(_forecast_url(day))


def _row(row, **extra) -> dict:
    return {
        "row": row,
        "pickup_percent": 100 * row.expected_pickup,
        "missed": row.hours_missing > 0,
        **extra,
    }


def _hourly(page) -> dict:
    """The hourly view's figures for the page (percentages, months as dates, bands)."""
    need, total = page.need, page.total
    year = page.report.year
    return {
        "total": _row(total),
        "target_percent": 100 * need.target,
        "shrinkage_percent": 100 * need.shrinkage,
        "shrinkage_days": SHRINKAGE_DAYS,
        "hourly_status": "met" if total.expected_pickup >= need.target else "missed",
        "months": [_row(r, month=dt.date(year, r.key, 1)) for r in page.months],
        "bands": [_row(r) for r in page.bands],
    }


@requires({"GET": "planning", "POST": "planning"})
def capacity(request):
    today = timezone.localdate()
    value, year_error = (
        (request.POST if request.method == "POST" else request.GET).get("annee"),
        None,
    )
    year = today.year
    if value:
        try:
            year = int(value)
            if not calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR:
                raise ValueError
        except ValueError:
            year = today.year
            year_error = _(
                "Année invalide « %(valeur)s » : indiquez une année entre %(min)s et %(max)s."
            ) % {
                "valeur": value,
                "min": calendar.FIRST_YEAR,
                "max": calendar.LAST_YEAR,
            }
    if request.method == "POST" and not year_error:
        # Queues the computation (nothing else is written), then back to the page.
        version = selectors.capacity_version(year, today=today)
        services.capacity_request(year=year, today=today, version=version)
        return redirect(f"{reverse('planning:capacity')}?annee={year}")
    page, result, fresh = _stored_capacity(year, today)
    report = page.report if page else None
    error = result.error if result and not page and result.computed_version else None
    context = {
        "year": year,
        "year_error": year_error,
        "page": page,
        "result": result,
        "fresh": fresh,
        **(_hourly(page) if page and page.need else {}),
        "report": report,
        "error": error,
        "previous_year": year - 1,
        "next_year": year + 1,
        "first_year": calendar.FIRST_YEAR,
        "last_year": calendar.LAST_YEAR,
    }
    status = 400 if year_error else 200
    return render(request, "planning/capacity.html", context, status=status)


def _stored_capacity(year: int, today: dt.date):
    """(page, stored result, fresh): the capacity page of `year` the worker computed and stored.

    `fresh` says whether it was computed from today's inputs; when not, the last page is shown
    (a GET writes nothing) until the worker recomputes it: queued every minute by `pfspilot
    tick` for the current year, or by « Calculer » (POST) for any year."""
    version = selectors.capacity_version(year, today=today)
    result = selectors.capacity_result(year)
    if result is None:
        return None, None, False
    page = selectors.stored_capacity_page(result) if result.computed_version else None
    readable = page is not None or bool(result.error)
    return page, result, readable and result.computed_version == version


@requires("planning")
def capacity_status(request):
    """The progress of the capacity's computation, polled by htmx; once it has ended, the page
    reloads (`HX-Refresh`) to show the new figures."""
    try:
        year = int(request.GET.get("annee") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    result = selectors.capacity_result(year)
    response = render(
        request, "planning/partials/capacity_status.html", {"year": year, "result": result}
    )
    if result is None or not result.in_progress:
        response["HX-Refresh"] = "true"
    return response
