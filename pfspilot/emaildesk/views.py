"""Pages of the email desk: the queue with « Courriel suivant », one email (thread, countdown,
answer from a template, release), the supervisor's reassignment and change of kind, and the
response templates. Views parse the form, call one service, render; a refused write shows the
service's French message (status 400 or the service's status)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pfspilot.people.access import can, get_object_for_user, requires
from pfspilot.people.models import Role, User
from pfspilot.workitems.forms import apply_form
from pfspilot.workitems.services import WorkItemError

from . import forms, selectors, services
from .lists import QUEUE, TEMPLATES
from .models import EmailItem, PromotionBlock, ResponseTemplate


def _agents():
    return User.objects.filter(role__in=(Role.AGENT, Role.REINFORCEMENT), is_active=True)


@requires("emails")
def queue(request):
    """The queue (declared list page) with « Courriel suivant » and the held email."""
    query = QUEUE.query(request.user, request.GET)
    export = request.GET.get("export")
    if export is not None:
        return QUEUE.export(query, export)
    context = QUEUE.context(request, query)
    if context["htmx"]:
        return render(request, "lists/_results.html", context)
    context.update(
        held=services.held_by(request.user),
        counts=selectors.waiting_counts(),
        can_claim=can(request.user, "email.claim"),
        can_templates=can(request.user, "email.templates"),
    )
    return render(request, "emaildesk/queue.html", context)


queue.list_page = QUEUE


@requires({"POST": "email.claim"})
def next_email(request):
    """« Courriel suivant »: the most urgent email nobody holds, reserved for the agent."""
    item = services.next_email(request.user)
    if item is None:
        messages.info(request, _("Aucun courriel en attente : la file est vide."))
        return redirect("courriels:queue")
    return redirect("courriels:email", pk=item.pk)


def _reply_form(item, user, code: str):
    """The answer form, pre-filled from template `code` when one is chosen."""
    template = selectors.templates_for(item).filter(code=code).first() if code else None
    if template is None:
        return forms.ReplyForm(prefix="reply"), None, ""
    try:
        _subject, body = services.draft(item, template, user)
    except WorkItemError as error:
        return forms.ReplyForm(prefix="reply"), None, error.message
    return forms.ReplyForm(prefix="reply", initial={"body": body, "template": code}), template, ""


@requires({"GET": "emails", "POST": "email.reply"})
def email(request, pk):
    """One email: its thread, countdown and holder; the holder answers or gives it back."""
    item = get_object_for_user(request.user, EmailItem.objects.select_related("assignee"), pk=pk)
    bound = None
    action = request.POST.get("action", "") if request.method == "POST" else None
    if action == "reply":
        bound = forms.ReplyForm(request.POST, prefix="reply")
        done = apply_form(
            bound,
            lambda d: services.reply(
                item, request.user, body=d["body"], template=d["template"] or None
            ),
        )
        if done is not None:
            messages.success(request, _("Réponse envoyée."))
            return redirect("courriels:email", pk=item.pk)
    elif action == "release":
        bound = forms.EmptyForm(request.POST)
        if apply_form(bound, lambda d: services.release(item, request.user)) is not None:
            messages.success(request, _("Courriel remis dans la file."))
            return redirect("courriels:queue")
    elif action is not None:
        bound = forms.EmptyForm(request.POST)
        bound.is_valid()
        bound.add_error(None, _("Action inconnue."))
    item.refresh_from_db()
    now = timezone.now()
    code = request.GET.get("modele", "")
    reply_form, template, template_error = _reply_form(item, request.user, code)
    if bound is not None and action == "reply":
        reply_form = bound
    countdown, due_status = item.countdown(now), item.countdown_status(now)
    context = {
        "item": item,
        "bound": bound,
        "reply_form": reply_form,
        "template": template,
        "template_error": template_error,
        "templates": selectors.templates_for(item),
        "thread": selectors.thread(item),
        "attachments": selectors.attachments(item),
        "holder": item.holder(now),
        "held_by_me": item.assignee_id == request.user.pk and item.is_held(now),
        "countdown": countdown,
        "due_status": due_status,
        "can_reply": can(request.user, "email.reply"),
        "can_reassign": can(request.user, "email.reassign"),
        "can_requalify": can(request.user, "email.requalify"),
        "reassign_form": forms.ReassignForm(prefix="reassign", queryset=_agents()),
        "requalify_form": forms.RequalifyForm(prefix="kind", initial={"kind": item.kind}),
        "now": now,
    }
    status = 200
    if bound is not None and bound.errors:
        status = getattr(bound, "refusal_status", 400)
    return render(request, "emaildesk/email.html", context, status=status)


@requires({"POST": "email.claim"})
def renew(request, pk):
    """The page of the holder renews the lease while the agent works (htmx, every minute)."""
    item = get_object_for_user(request.user, EmailItem, pk=pk)
    if services.renew(item, request.user):
        return HttpResponse(_("Réservé pour vous."), content_type="text/plain; charset=utf-8")
    # 200 all the same: the page shows the sentence where it polls.
    return HttpResponse(
        _("Ce courriel ne vous est plus réservé."), content_type="text/plain; charset=utf-8"
    )


@requires({"POST": "email.reassign"})
def reassign(request, pk):
    """A supervisor gives an email (e.g. abandoned) to another agent."""
    item = get_object_for_user(request.user, EmailItem, pk=pk, action="email.reassign")
    form = forms.ReassignForm(request.POST, prefix="reassign", queryset=_agents())
    if apply_form(form, lambda d: services.reassign(item, d["to"], by=request.user)) is not None:
        messages.success(request, _("Courriel réattribué."))
        return redirect("courriels:email", pk=item.pk)
    return render(
        request,
        "emaildesk/form_error.html",
        {"form": form, "back": reverse("courriels:email", args=[item.pk])},
        status=400,
    )


@requires({"POST": "email.requalify"})
def requalify(request, pk):
    """A supervisor changes the kind (level 1 / complaint); the due date follows."""
    item = get_object_for_user(request.user, EmailItem, pk=pk, action="email.requalify")
    form = forms.RequalifyForm(request.POST, prefix="kind")
    if apply_form(form, lambda d: services.requalify(item, d["kind"], by=request.user)) is not None:
        messages.success(request, _("Nature du courriel changée."))
        return redirect("courriels:email", pk=item.pk)
    return render(
        request,
        "emaildesk/form_error.html",
        {"form": form, "back": reverse("courriels:email", args=[item.pk])},
        status=400,
    )


@requires("email.templates")
def templates(request):
    query = TEMPLATES.query(request.user, request.GET)
    export = request.GET.get("export")
    if export is not None:
        return TEMPLATES.export(query, export)
    context = TEMPLATES.context(request, query)
    if context["htmx"]:
        return render(request, "lists/_results.html", context)
    return render(request, "emaildesk/templates.html", context)


templates.list_page = TEMPLATES


def _template_page(request, instance):
    form = forms.TemplateForm(request.POST or None, instance=instance)
    if request.method == "POST":
        saved = apply_form(form, lambda d: services.template_save(form.instance, by=request.user))
        if saved is not None:
            messages.success(request, _("Modèle enregistré (version historisée)."))
            return redirect("courriels:template", pk=saved.pk)
    history = instance.history.select_related("history_user")[:20] if instance else []
    return render(
        request,
        "emaildesk/template.html",
        {
            "form": form,
            "instance": instance,
            "history": history,
            "placeholders": services.placeholders.PLACEHOLDERS,
        },
        status=400 if form.errors else 200,
    )


@requires({"GET": "email.templates", "POST": "email.templates"})
def template_new(request):
    return _template_page(request, None)


@requires({"GET": "email.templates", "POST": "email.templates"})
def template(request, pk):
    instance = get_template(pk)
    return _template_page(request, instance)


def get_template(pk):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(ResponseTemplate, pk=pk)


@requires({"GET": "email.templates", "POST": "email.templates"})
def promotion(request):
    """The caf.fr promotion block: a new version from a date (history kept)."""
    current = PromotionBlock.objects.order_by("-valid_from").first()
    initial = {"text": current.text, "valid_from": timezone.localdate()} if current else {}
    form = forms.PromotionForm(request.POST or None, initial=initial)
    if request.method == "POST":

        def save(data):
            block = PromotionBlock.objects.filter(valid_from=data["valid_from"]).first()
            block = block or PromotionBlock(valid_from=data["valid_from"])
            block.text = data["text"]
            return services.promotion_save(block, by=request.user)

        if apply_form(form, save) is not None:
            messages.success(request, _("Bloc de promotion enregistré."))
            return redirect("courriels:promotion")
    return render(
        request,
        "emaildesk/promotion.html",
        {"form": form, "versions": PromotionBlock.objects.all()[:20]},
        status=400 if form.errors else 200,
    )
