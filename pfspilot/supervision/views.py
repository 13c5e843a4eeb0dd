"""Pages of supervision: the campaign board, a supervision (sample, evaluations, debrief), the
evaluation of one item, the PDF report, the yearly coverage, the agent's file, the reminders.

Each view declares its capabilities (`people.access`); records are read within the user's scope
(`get_object_for_user`); a refusal of the services is shown as a French form error (400)."""

import datetime as dt
import random

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from pfspilot.people.access import can, get_object_for_user, requires
from pfspilot.people.models import Role
from pfspilot.people.selectors import person_for, visible_people
from pfspilot.reference.selectors import platform_rules

from . import forms, report, selectors, services
from .models import Criterion, Reminder, SampleItem, Supervision


def _current_semester(today: dt.date) -> str:
    return f"{today.year}-S{1 if today.month <= 6 else 2}"


def _next_semester(today: dt.date) -> str:
    return f"{today.year}-S2" if today.month <= 6 else f"{today.year + 1}-S1"


def _refused(request, template, context, error):
    context = {**context, "error": str(error)}
    return render(request, template, context, status=400)


@requires({"GET": "supervision_board", "POST": "supervision.plan"})
def board(request):
    today = timezone.localdate()
    semester = request.GET.get("semestre") or _current_semester(today)
    form = forms.PlanForm(
        request.POST if request.method == "POST" else None,
        initial={"semester": _next_semester(today)},
    )
    context = {"form": form, "semester": semester, "next_semester": _next_semester(today)}
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request,
                "supervision/board.html",
                _board_context(request, context, today),
                status=400,
            )
        semester = form.cleaned_data["semester"]
        try:
            rows = services.plan_semester(semester)
        except services.SupervisionError as exc:
            return _refused(
                request, "supervision/board.html", _board_context(request, context, today), exc
            )
        messages.success(request, f"Campagne {semester} : {len(rows)} supervisions planifiées.")
        return redirect(f"{reverse('supervision:board')}?semestre={semester}")
    return render(request, "supervision/board.html", _board_context(request, context, today))


def _board_context(request, context, today):
    campaign = selectors.campaign(context["semester"])
    context = dict(context)
    context["campaign"] = campaign
    context["can_plan"] = can(request.user, "supervision.plan")
    if campaign:
        context["rows"] = selectors.board(request.user, campaign, today)
        context["loads"] = selectors.loads(campaign, request.user)
    return context


@requires("supervision_board")
def coverage(request):
    try:
        year = int(request.GET.get("annee") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    rows = selectors.yearly_coverage(request.user, year)
    return render(
        request,
        "supervision/coverage.html",
        {"year": year, "rows": rows, "missing": [r for r in rows if r["missing"]]},
    )


def _supervision(request, pk, action=None) -> Supervision:
    return get_object_for_user(
        request.user,
        Supervision.objects.select_related("agent", "supervisor", "team", "campaign"),
        action=action,
        pk=pk,
    )


def _detail_context(request, supervision):
    return {
        "s": supervision,
        "items": selectors.sample_view(supervision, request.user),
        # Blind calibration: another supervisor does not see the score before the signature.
        "score": selectors.overall_score(supervision)
        if supervision.is_signed
        or request.user.pk in (supervision.supervisor_id, supervision.agent_id)
        else None,
        "score_hidden": not supervision.is_signed
        and request.user.pk not in (supervision.supervisor_id, supervision.agent_id),
        "sample_form": forms.SampleForm(),
        "debrief_form": forms.DebriefForm(
            initial={
                "debrief_on": supervision.debrief_on,
                "transcription": supervision.transcription,
            }
        ),
        "ack_form": forms.AcknowledgeForm(),
        "can_evaluate": can(request.user, "supervision.evaluate"),
        "can_sign": can(request.user, "supervision.sign"),
        "can_file": can(request.user, "agent_file"),
        "can_ack": can(request.user, "supervision.acknowledge")
        and supervision.agent_id == request.user.pk,
        "history": supervision.history.order_by("-history_date")[:20],
    }


@requires("supervisions")
def detail(request, pk):
    supervision = _supervision(request, pk)
    return render(request, "supervision/detail.html", _detail_context(request, supervision))


@requires({"POST": "supervision.evaluate"})
def sample(request, pk):
    supervision = _supervision(request, pk)
    form = forms.SampleForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            "supervision/detail.html",
            _detail_context(request, supervision),
            "graine invalide",
        )
    seed = form.cleaned_data["seed"]
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    try:
        result = services.store_sample(supervision, seed=seed, by=request.user)
    except services.SupervisionError as exc:
        return _refused(
            request, "supervision/detail.html", _detail_context(request, supervision), exc
        )
    short = {k: v for k, v in result["short"].items() if v}
    if short:
        labels = {"calls": "appels", "emails": "courriels", "requests": "demandes"}
        messages.warning(
            request,
            "La période contient moins d'éléments que demandé : "
            + ", ".join(f"{n} {labels[k]} manquants" for k, n in short.items())
            + ".",
        )
    else:
        messages.success(request, "Échantillon tiré.")
    return redirect("supervision:detail", pk=supervision.pk)


@requires({"GET": "supervision.evaluate", "POST": "supervision.evaluate"})
def evaluate(request, pk, item):
    supervision = _supervision(request, pk)
    sample_item = get_object_or_404(SampleItem, supervision=supervision, pk=item)
    grid = selectors.grid_for(sample_item.kind)
    criteria = list(
        Criterion.objects.filter(section__grid=grid).select_related("section") if grid else []
    )
    form_class = forms.evaluation_form(criteria)
    form = form_class(request.POST if request.method == "POST" else None)
    views = {v.item.pk: v for v in selectors.sample_view(supervision, request.user)}
    view = views[sample_item.pk]
    context = {
        "s": supervision,
        "item": sample_item,
        "grid": grid,
        "form": form,
        "sections": _sections(form, criteria),
        "view": view,
        "calibration": selectors.calibration(sample_item) if view.mine else [],
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "supervision/evaluate.html", context, status=400)
        answers = {c.pk: form.cleaned_data[f"c{c.pk}"] for c in criteria}
        try:
            services.evaluate(
                supervision,
                sample_item.pk,
                request.user,
                answers,
                comment=form.cleaned_data["comment"],
            )
        except services.SupervisionError as exc:
            return _refused(request, "supervision/evaluate.html", context, exc)
        messages.success(request, "Évaluation enregistrée.")
        return redirect("supervision:detail", pk=supervision.pk)
    return render(request, "supervision/evaluate.html", context)


def _sections(form, criteria):
    sections = {}
    for c in criteria:
        sections.setdefault(c.section, []).append(form[f"c{c.pk}"])
    return list(sections.items())


@requires({"POST": "supervision.sign"})
def debrief(request, pk):
    supervision = _supervision(request, pk)
    form = forms.DebriefForm(request.POST)
    context = _detail_context(request, supervision)
    if not form.is_valid():
        context["debrief_form"] = form
        return render(request, "supervision/detail.html", context, status=400)
    try:
        services.save_debrief(
            supervision,
            debrief_on=form.cleaned_data["debrief_on"],
            transcription=form.cleaned_data["transcription"],
        )
    except services.SupervisionError as exc:
        return _refused(request, "supervision/detail.html", context, exc)
    messages.success(request, "Débriefing enregistré.")
    return redirect("supervision:detail", pk=supervision.pk)


@requires({"POST": "supervision.sign"})
def sign(request, pk):
    supervision = _supervision(request, pk)
    try:
        services.sign(supervision, request.user)
    except services.SupervisionError as exc:
        return _refused(
            request, "supervision/detail.html", _detail_context(request, supervision), exc
        )
    messages.success(request, "Débriefing signé : la retranscription est verrouillée.")
    return redirect("supervision:detail", pk=supervision.pk)


@requires({"POST": "supervision.acknowledge"})
def acknowledge(request, pk):
    supervision = _supervision(request, pk)
    form = forms.AcknowledgeForm(request.POST)
    context = _detail_context(request, supervision)
    if not form.is_valid():
        context["ack_form"] = form
        return render(request, "supervision/detail.html", context, status=400)
    try:
        services.acknowledge(supervision, request.user, form.cleaned_data["comment"])
    except services.SupervisionError as exc:
        return _refused(request, "supervision/detail.html", context, exc)
    messages.success(request, "Prise de connaissance enregistrée.")
    return redirect("supervision:detail", pk=supervision.pk)


@requires("supervisions")
def report_pdf(request, pk):
    supervision = _supervision(request, pk)
    response = HttpResponse(report.supervision_pdf(supervision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="supervision-{supervision.pk}.pdf"'
    return response


@requires({"GET": "agent_file", "POST": "training.manage"})
def agent_file(request, pk):
    agent = person_for(request.user, pk)
    form = forms.AccompanimentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            services.add_accompaniment(agent, by=request.user, **form.cleaned_data)
            messages.success(request, "Accompagnement enregistré.")
            return redirect("supervision:agent_file", pk=agent.pk)
        context = {**selectors.agent_file(agent), "form": form}
        return render(request, "supervision/agent_file.html", context, status=400)
    return render(
        request, "supervision/agent_file.html", {**selectors.agent_file(agent), "form": form}
    )


@requires({"GET": "reminders", "POST": "training.manage"})
def reminders(request):
    form = forms.ReminderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            services.publish_reminder(
                form.cleaned_data["title"], form.cleaned_data["body"], request.user
            )
            messages.success(request, "Rappel de consigne publié.")
            return redirect("supervision:reminders")
    read = set()
    if request.user.is_agent:
        read = set(
            Reminder.objects.filter(receipts__agent=request.user).values_list("pk", flat=True)
        )
    context = {
        "form": form,
        "reminders": Reminder.objects.prefetch_related("receipts"),
        "read": read,
        "can_manage": can(request.user, "training.manage"),
        "can_ack": can(request.user, "reminder.acknowledge"),
    }
    return render(
        request, "supervision/reminders.html", context, status=400 if form.errors else 200
    )


@requires({"POST": "reminder.acknowledge"})
def reminder_read(request, pk):
    reminder = get_object_or_404(Reminder, pk=pk)
    services.acknowledge_reminder(reminder, request.user)
    messages.success(request, "Lecture enregistrée.")
    return redirect("supervision:reminders")


@requires({"GET": "skills", "POST": "training.manage"})
def training(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("annee") or today.year)
    except ValueError:
        year = today.year
    rules = platform_rules(dt.date(year, 1, 1))
    agents = visible_people(request.user).filter(role__in=(Role.AGENT, Role.REINFORCEMENT))
    groups_form = forms.TrainingGroupsForm(
        initial={
            "year": year,
            "first_start": rules.training_hours[0],
            "first_end": rules.training_hours[1],
        }
    )
    workshop_form = forms.WorkshopForm(agents=agents)
    status, error = 200, None
    if request.method == "POST":
        if request.POST.get("action") == "workshop":
            workshop_form = forms.WorkshopForm(request.POST, agents=agents)
            form = workshop_form
        else:
            groups_form = forms.TrainingGroupsForm(request.POST)
            form = groups_form
        if form.is_valid():
            try:
                if form is workshop_form:
                    data = form.cleaned_data
                    services.add_workshop(
                        data["title"], data["day"], data["start"], data["end"], data["participants"]
                    )
                    messages.success(request, "Atelier enregistré.")
                else:
                    n = services.plan_training(form.cleaned_data["year"], form.windows())
                    messages.success(request, f"{n} séances de formation planifiées.")
                return redirect(f"{reverse('supervision:training')}?annee={year}")
            except services.SupervisionError as exc:
                error = exc
        status = 400
    effect = None
    if request.GET.get("jour"):
        try:
            effect = selectors.training_effect(dt.date.fromisoformat(request.GET["jour"]))
        except ValueError:
            effect = None
    context = {
        "year": year,
        "effect": effect,
        "calendar": selectors.training_calendar(year),
        "groups_form": groups_form,
        "workshop_form": workshop_form,
        "can_manage": can(request.user, "training.manage"),
        "error": error or ("" if status == 200 else "formulaire incomplet"),
    }
    return render(request, "supervision/training.html", context, status=status)


@requires({"GET": "supervision_board", "POST": "supervision.grid"})
def grids(request):
    form = forms.GridForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grid = services.create_grid(
                data["name"], data["kind"], data["text"], pass_mark=data["pass_mark"]
            )
        except services.SupervisionError as exc:
            error = exc
        else:
            messages.success(request, f"Grille « {grid.name} » version {grid.version} en vigueur.")
            return redirect("supervision:grids")
    context = {
        "form": form,
        "error": error,
        "grids": selectors.grids(),
        "can_manage": can(request.user, "supervision.grid"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/grids.html", context, status=status)
