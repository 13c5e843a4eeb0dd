import dataclasses
import datetime as dt
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pfspilot.lists.exports import to_csv, to_xlsx
from pfspilot.people.access import requires

from . import dashboard, selectors
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


def _agents_url(scope: dashboard.Scope, **extra) -> str:
    """The agents' list page for the dashboard's period and team."""
    params = {key: getattr(scope, key) for key in ("year", "month", "team") if getattr(scope, key)}
    return reverse("indicators:agents") + "?" + urlencode(params | extra)


@requires("dashboard")
def dashboard_page(request):
    """COG dashboard; htmx requests get the content only (drill-down, period change)."""
    form = ScopeForm(request.GET)
    period_errors = form.period_errors()
    scope = dashboard.visible_scope(
        request.user, form.scope(default_year=timezone.localdate().year)
    )
    locked = dashboard.team_locked(request.user)
    context = _build(scope) | {
        "period_errors": period_errors,
        "params": _params(scope),
        "years": sorted({*selectors.years(), scope.year}),
        "months": list(enumerate(dashboard.MONTHS, start=1)),
        # One team only for an assistant superviseur: theirs, and no motif (platform-wide).
        "team_locked": locked,
        "motif_choices": [] if locked else selectors.motifs(scope.year),
        "team_choices": [request.user.team.name] if locked else selectors.teams(scope.year),
        "agents_url": "" if scope.motif or scope.agent else _agents_url(scope),
    }
    status = 400 if period_errors else 200
    if request.headers.get("HX-Request"):
        return render(request, "indicators/_content.html", context, status=status)
    return render(request, "indicators/dashboard.html", context, status=status)


@requires("indicators.export")
def export(request):
    """One table of the dashboard (same parameters) as CSV for Excel-FR or XLSX.

    A request naming an unknown table or format, or an invalid parameter, gets a 400 with a
    French message, never another file.
    """
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            _("Export impossible : %(erreurs)s") % {"erreurs": _form_errors(form)},
            content_type="text/plain; charset=utf-8",
        )
    scope = dashboard.visible_scope(
        request.user, form.scope(default_year=timezone.localdate().year)
    )
    name = form.cleaned_data.get("table") or "cibles"
    fmt = form.cleaned_data.get("format") or "csv"
    if name == "agents":
        # The agents' table is a list page: its export, with the same period and team.
        return redirect(_agents_url(scope, export=fmt))
    table = _build(scope).get("tables", {}).get(name)
    if table is None and dashboard.team_locked(request.user):
        # Platform-wide tables (teams, motifs, half-hours) are not a team's to see.
        raise PermissionDenied(_("Ce tableau porte sur toute la plateforme, pas sur votre équipe."))
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


def _form_errors(form) -> str:
    """« champ : message » for each invalid field, in French."""
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else field
        parts.append(f"{label} : {' '.join(str(e) for e in errors)}")
    return " ; ".join(parts)
