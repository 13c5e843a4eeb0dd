import dataclasses
import datetime as dt

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from pfspilot.people.access import requires

from . import dashboard, selectors
from .exports import to_csv, to_xlsx
from .forms import ExportForm, ScopeForm
from .services import reference_parameters


def _build(scope: dashboard.Scope) -> dict:
    today = timezone.localdate()
    targets, params, rules = reference_parameters(min(today, dt.date(scope.year, 12, 31)))
    # A year without its own targets uses an earlier year's, counted on this year's days.
    targets = dataclasses.replace(targets, year=scope.year)
    return dashboard.build(scope, today=today, targets=targets, rules=rules, params=params)


def _params(scope: dashboard.Scope) -> dict:
    return {key: value for key, value in dataclasses.asdict(scope).items() if value}


@requires("dashboard")
def dashboard_page(request):
    """COG dashboard; htmx requests get the content only (drill-down, period change)."""
    form = ScopeForm(request.GET)
    scope = form.scope(default_year=timezone.localdate().year)
    period_errors = form.period_errors()
    context = _build(scope) | {
        "period_errors": period_errors,
        "params": _params(scope),
        "years": sorted({*selectors.years(), scope.year}),
        "months": list(enumerate(dashboard.MONTHS, start=1)),
        "motif_choices": selectors.motifs(scope.year),
        "team_choices": selectors.teams(scope.year),
    }
    status = 400 if period_errors else 200
    if request.headers.get("HX-Request"):
        return render(request, "indicators/_content.html", context, status=status)
    return render(request, "indicators/dashboard.html", context, status=status)


@requires("dashboard")
def export(request):
    """One table of the dashboard (same parameters) as CSV for Excel-FR or XLSX."""
    form = ExportForm(request.GET)
    period_errors = form.period_errors()
    if period_errors:
        return HttpResponseBadRequest(
            " ".join(period_errors), content_type="text/plain; charset=utf-8"
        )
    scope = form.scope(default_year=timezone.localdate().year)
    name = (form.cleaned_data.get("table") if form.is_valid() else "") or "cibles"
    fmt = (form.cleaned_data.get("format") if form.is_valid() else "") or "csv"
    table = _build(scope).get("tables", {}).get(name)
    if table is None:
        raise Http404(_("Ce tableau n'existe pas pour cette sélection."))
    stem = f"pfspilot-{table.name}-{scope.year}" + (f"-{scope.month:02d}" if scope.month else "")
    if fmt == "xlsx":
        response = HttpResponse(
            to_xlsx(table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
