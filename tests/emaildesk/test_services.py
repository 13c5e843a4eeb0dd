"""The email desk's services: intake, kind rules, deadlines, « Courriel suivant » with its lease,
release at logout, reassignment, change of kind, templates, answers and the COG record."""

import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from pfspilot.contacts.models import Email
from pfspilot.emaildesk import services
from pfspilot.emaildesk.models import EmailAnswer, EmailItem, KindRule, ResponseTemplate
from pfspilot.engine.deadlines import Clock, DeadlineRule, due_at
from pfspilot.indicators.models import DailyStats, Grain
from pfspilot.workitems.services import AlreadyHeld, WorkItemError
from tests.timeutil import paris

from .factories import received


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# --- intake ---------------------------------------------------------------------------------


def test_a_mail_enters_the_level1_queue_with_its_48h_deadline_and_cog_record(db):
    at = paris(2026, 3, 10, 9, 0)
    item = received(received_at=at)
    assert item.kind == "niveau1" and item.status == EmailItem.NEW
    assert item.due_at == due_at(at, DeadlineRule(48, "hours"), Clock("calendar"))
    assert "48 h" in item.due_rule
    assert item.claimant_number == "1234567"
    assert item.record.kind == "niveau1" and item.record.answered_at is None
    assert item.record.received_at == at


def test_kind_rules_make_complaints_with_a_10_day_deadline(db):
    at = paris(2026, 3, 10, 9, 0)
    item = received(subject="RÉCLAMATION sur mon RSA", received_at=at)
    assert item.kind == "reclamation"
    assert "réclamation" in item.kind_rule.lower()
    assert item.due_at == due_at(at, DeadlineRule(10, "days"), Clock("calendar"))
    box = received(subject="Question", mailbox_name="reclamations", received_at=at)
    assert box.kind == "reclamation"


def test_a_rule_edited_is_historised_and_applies_to_the_next_mails(db):
    rule = KindRule.objects.create(
        position=1, field="address", pattern="@avocat.fr", kind="reclamation"
    )
    rule.pattern = "@avocats.fr"
    rule.save()
    assert rule.history.count() == 2
    assert received(from_address="maitre@avocats.fr").kind == "reclamation"


def test_the_business_clock_of_the_reference_data_is_used(db):
    from pfspilot.reference.models import IndicatorParameterSet

    IndicatorParameterSet.objects.update(deadline_clock="business")
    friday = paris(2026, 3, 13, 15, 0)
    item = received(received_at=friday)
    assert item.due_at == paris(2026, 3, 17, 15, 0)  # 48 h ouvrées: Monday and Tuesday


def test_auto_replies_and_bounces_are_stored_but_never_queued_nor_counted(db, personas):
    auto = received(auto_submitted=True, subject="Absence du bureau")
    bounce = received(bounce=True, from_address="mailer-daemon@exemple.fr")
    for item in (auto, bounce):
        assert item.status == EmailItem.NO_ANSWER and item.is_closed
        assert item.record is None
    assert services.next_email(personas["alice"]) is None
    assert not Email.objects.exists()


def test_a_duplicate_message_id_is_taken_once(db):
    first = received(message_id="<dup@exemple.fr>")
    assert first is not None
    assert received(message_id="<dup@exemple.fr>") is None
    assert EmailItem.objects.count() == 1 and Email.objects.count() == 1


def test_a_reply_joins_the_thread_of_the_earlier_email_or_of_our_answer(db, personas):
    alice = personas["alice"]
    first = received(message_id="<a1@exemple.fr>", subject="Réclamation APL")
    second = received(
        message_id="<a2@exemple.fr>", in_reply_to="<a1@exemple.fr>", subject="Re: suite"
    )
    assert second.thread_root == first
    assert second.kind == "reclamation"  # the exchange's kind when no rule says otherwise
    item = services.next_email(alice)
    assert item == first
    answer = services.reply(item, alice, body="Bonjour {nom}, c'est noté.")
    third = received(
        message_id="<a3@exemple.fr>",
        in_reply_to=answer.message_id,
        references=f"<a1@exemple.fr> {answer.message_id}",
    )
    assert third.thread_root == first


def test_imported_unanswered_emails_enter_the_queues_once(db):
    at = timezone.now() - dt.timedelta(hours=3)
    Email.objects.create(source="x", source_id="1", received_at=at, kind="niveau1")
    Email.objects.create(source="x", source_id="2", received_at=at, kind="reclamation")
    Email.objects.create(
        source="x", source_id="3", received_at=at, kind="niveau1", answered_at=timezone.now()
    )
    assert services.queue_imported() == 2
    assert services.queue_imported() == 0
    items = EmailItem.objects.order_by("record__source_id")
    assert [i.kind for i in items] == ["niveau1", "reclamation"]
    assert all(i.source == EmailItem.Source.IMPORT for i in items)


# --- « Courriel suivant » -------------------------------------------------------------------


def test_next_gives_the_most_urgent_free_email_and_keeps_it_for_its_holder(db, personas):
    alice, bob = personas["alice"], personas["bob"]
    now = timezone.now()
    later = received(received_at=now - dt.timedelta(hours=1))
    urgent = received(received_at=now - dt.timedelta(hours=40))
    complaint = received(subject="Réclamation", received_at=now - dt.timedelta(hours=40))
    assert services.next_email(alice, now=now) == urgent
    assert services.next_email(alice, now=now) == urgent  # the one she holds, lease renewed
    assert services.next_email(bob, now=now) == later
    # The complaint is due in 10 days: last.
    assert complaint.due_at > later.due_at
    assert services.next_email(personas["rita"], now=now) == complaint
    assert services.next_email(personas["rita"], now=now) == complaint


def test_an_expired_lease_frees_the_email(db, personas):
    alice, bob = personas["alice"], personas["bob"]
    now = timezone.now()
    item = received()
    assert services.next_email(alice, now=now) == item
    assert services.next_email(bob, now=now + dt.timedelta(minutes=5)) is None
    assert services.renew(item, alice, now=now + dt.timedelta(minutes=10))
    assert services.next_email(bob, now=now + dt.timedelta(minutes=20)) is None
    after = now + dt.timedelta(minutes=10) + EmailItem.LEASE + dt.timedelta(seconds=1)
    assert not services.renew(item, alice, now=after)
    assert services.next_email(bob, now=after) == item
    with pytest.raises(AlreadyHeld):
        services.reply(item, alice, body="Trop tard", now=after)


def test_logout_gives_the_held_emails_back(db, personas, client):
    alice = personas["alice"]
    item = services.next_email(received() and alice)
    client.force_login(alice)
    assert client.post("/deconnexion/").status_code == 302  # the real logout (axes listens too)
    item.refresh_from_db()
    assert item.assignee is None and item.status == EmailItem.NEW


def test_a_supervisor_reassigns_an_abandoned_email(db, personas):
    alice, bob, sam = personas["alice"], personas["bob"], personas["sam"]
    item = services.next_email(received() and alice)
    services.reassign(item, bob, by=sam)
    item.refresh_from_db()
    assert item.assignee == bob
    assert item.history.first().history_user == sam
    with pytest.raises(WorkItemError):
        services.reassign(item, personas["eric"], by=sam)  # an expert does not answer emails


def test_a_supervisor_changes_the_kind_and_the_deadline_follows(db, personas):
    item = received()
    services.requalify(item, "reclamation", by=personas["sam"])
    item.refresh_from_db()
    assert item.kind == "reclamation"
    assert item.due_at == due_at(item.received_at, DeadlineRule(10, "days"), Clock("calendar"))
    assert item.record.kind == "reclamation"
    latest = item.history.first()
    assert latest.history_user == personas["sam"] and latest.history_change_reason


# --- templates and answers ------------------------------------------------------------------


def test_a_template_with_an_unknown_placeholder_is_refused_and_nothing_saved(db, personas):
    template = ResponseTemplate(
        code="essai", label="Essai", motif="Essai", subject="Objet", body="Bonjour {prenom}"
    )
    with pytest.raises(WorkItemError) as error:
        services.template_save(template, by=personas["sam"])
    assert "{prenom}" in error.value.message
    assert not ResponseTemplate.objects.filter(code="essai").exists()


def test_templates_are_versioned(db, personas):
    template = ResponseTemplate.objects.get(code="attestation-paiement")
    template.body += "\nCordialement."
    services.template_save(template, by=personas["maud"])
    assert template.history.count() == 2  # the seeded version, then this one
    assert template.history.first().history_user == personas["maud"]


def test_a_draft_fills_the_placeholders_and_adds_the_caf_promotion(db, personas):
    item = received(from_name="Claire Martin")
    template = ResponseTemplate.objects.get(code="attestation-paiement")
    subject, body = services.draft(item, template, personas["alice"])
    assert "Bonjour Claire Martin" in body and "1234567" in body
    assert "https://www.caf.fr/allocataires/mon-compte" in body
    assert "caf.fr" in body.split("\n\n")[-1]  # the promotion block closes the answer
    assert "{" not in body


def test_the_holder_answers_the_cog_record_is_answered_and_archived(db, personas):
    alice = personas["alice"]
    item = services.next_email(received(message_id="<q1@exemple.fr>") and alice)
    answer = services.reply(
        item, alice, body="Bonjour {nom},\nvoici.", template="attestation-paiement"
    )
    item.refresh_from_db()
    assert item.status == EmailItem.ANSWERED and item.closed_at is not None
    record = item.record
    assert record.answered_at == answer.sent_at
    assert record.agent == alice and record.team == alice.team
    assert record.template == "attestation-paiement" and record.motif == "Attestations"
    assert answer.template.code == "attestation-paiement" and answer.template_version
    assert answer.body.startswith("Bonjour Claire Martin")
    assert answer.in_reply_to == "<q1@exemple.fr>"
    (sent,) = mail.outbox
    assert sent.extra_headers["In-Reply-To"] == "<q1@exemple.fr>"
    assert sent.extra_headers["Message-ID"] == answer.message_id
    assert sent.to == [item.from_address]


def test_no_one_else_answers_an_email_someone_holds(db, personas):
    alice, bob = personas["alice"], personas["bob"]
    item = services.next_email(received() and alice)
    with pytest.raises(AlreadyHeld) as error:
        services.reply(item, bob, body="Bonjour")
    assert error.value.status == 409
    with pytest.raises(WorkItemError) as error:
        services.reply(item, alice, body="Bonjour {inconnu}")
    assert "{inconnu}" in error.value.message
    assert not EmailAnswer.objects.exists() and not mail.outbox
    item.refresh_from_db()
    assert item.assignee == alice and item.record.answered_at is None


def test_answering_moves_the_48h_indicator_and_emails_answered(
    db, personas, django_capture_on_commit_callbacks
):
    alice = personas["alice"]
    now = timezone.now()
    item = received(received_at=now - dt.timedelta(hours=2))
    day = timezone.localdate(item.received_at)

    def sums():
        return DailyStats.objects.filter(day__gte=day, grain=Grain.AGENT).aggregate(
            received=Sum("level1_received"),
            within=Sum("level1_within"),
            answered=Sum("emails_answered"),
        )

    with django_capture_on_commit_callbacks(execute=True):
        services.reply(services.next_email(alice), alice, body="Bonjour")
    after = sums()
    assert after == {"received": 1, "within": 1, "answered": 1}
    # `pfspilot kpi` reads the same records and agrees with the dashboard's sums.
    out = io.StringIO()
    call_command("kpi", "--from", day.isoformat(), "--to", day.isoformat(), "--json", stdout=out)
    emails = json.loads(out.getvalue())["emails"]
    assert emails["level1_received"] == 1 and emails["level1_within"] == 1
    assert emails["level1_within_deadline_rate"] == 1.0 and emails["answered"] == 1


def test_the_command_queues_imports_and_frees_expired_leases(db, personas, capsys):
    import json

    from django.core.management import call_command

    Email.objects.create(source="x", source_id="9", received_at=timezone.now(), kind="niveau1")
    call_command("emails_queue", "--json")
    assert json.loads(capsys.readouterr().out) == {"queued": 1, "freed": 0}
    item = services.next_email(personas["alice"])
    EmailItem.objects.filter(pk=item.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    call_command("emails_queue", "--json")
    assert json.loads(capsys.readouterr().out) == {"queued": 0, "freed": 1}
    item.refresh_from_db()
    assert item.assignee is None and item.status == EmailItem.NEW


def test_an_expired_lease_nobody_took_still_lets_its_holder_answer(db, personas):
    alice = personas["alice"]
    now = timezone.now()
    item = services.next_email(received() and alice, now=now)
    later = now + EmailItem.LEASE + dt.timedelta(minutes=1)
    answer = services.reply(item, alice, body="Bonjour", now=later)
    assert answer.sent_at == later


def test_an_html_only_mail_is_shown_as_text_never_as_markup(db):
    item = received(text="", html="<p>Bonjour <b>madame</b></p><script>alert(1)</script>")
    assert "Bonjour madame" in item.text and "<" not in item.text
    assert "<script>" not in item.html_sanitised


def test_the_intake_adapter_passes_the_stored_message(db):
    from types import SimpleNamespace

    from pfspilot.emaildesk.receivers import on_message_received

    message = SimpleNamespace(
        message_id="<adapt@exemple.fr>",
        in_reply_to="",
        references="",
        from_address="paul@exemple.fr",
        from_name="Paul",
        subject="Réclamation",
        sent_at=timezone.now(),
        received_at=timezone.now(),
        text="Bonjour",
        html_sanitised="",
        auto_submitted=False,
        bounce=False,
    )
    on_message_received(sender=None, message=message)
    item = EmailItem.objects.get(message_id="<adapt@exemple.fr>")
    assert item.kind == "reclamation" and item.from_name == "Paul"
