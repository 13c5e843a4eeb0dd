"""Services of the desk: the call record from opening to outcome, level-2 requests and their
due dates, slots, urgencies, incivilities, the purge. Bad input: French message, nothing
written."""

import datetime as dt

import pytest
from django.utils import timezone

from pfspilot.contacts.models import Call
from pfspilot.desk import services
from pfspilot.desk.models import (
    AppointmentSlot,
    CallerKind,
    CallOutcome,
    CallRecord,
    Consultation,
    ContactChange,
    FollowUp,
    Level2Request,
    OutcomeKind,
    RequestKind,
    Urgency,
)
from pfspilot.engine.deadlines import PARIS
from pfspilot.people.models import Role
from pfspilot.workitems import services as workitems
from pfspilot.workitems.services import AlreadyHeld, WorkItemError
from tests.conftest import make_user

THURSDAY = dt.datetime(2026, 3, 12, 10, 0, tzinfo=PARIS)


def _call(call_id="C-1"):
    return Call.objects.create(
        source="telephonie",
        source_id=call_id,
        arrival=THURSDAY,
        outcome="answered",
    )


@pytest.fixture
def record(personas):
    rec, _created = services.record_open(agent=personas["alice"], call_id="C-1", now=THURSDAY)
    return rec


def _writes():
    return (
        CallRecord.objects.count(),
        CallOutcome.objects.count(),
        ContactChange.objects.count(),
        Level2Request.objects.count(),
        Urgency.objects.count(),
        FollowUp.objects.count(),
    )


# --- the call record ------------------------------------------------------------------------


def test_it_attaches_the_record_to_the_telephony_call_and_feeds_its_motif(personas):
    call = _call("C-9")
    rec, created = services.record_open(agent=personas["bob"], call_id="C-9")
    assert created and rec.telephony == call and rec.team == personas["bob"].team
    services.record_set_motif(rec, by=personas["bob"], motif="cmg")
    call.refresh_from_db()
    assert call.motif == "Le CMG"


def test_a_record_opened_before_the_telephony_export_attaches_when_the_motif_is_set(
    record, personas
):
    assert record.telephony is None
    call = _call("C-1")
    services.record_set_motif(record, by=personas["alice"], motif="ASF")
    record.refresh_from_db()
    call.refresh_from_db()
    assert record.telephony == call and call.motif == "L'ASF"


def test_the_same_agent_gets_the_same_record_another_agent_a_conflict(record, personas):
    again, created = services.record_open(agent=personas["alice"], call_id="C-1")
    assert again == record and not created
    with pytest.raises(AlreadyHeld):
        services.record_open(agent=personas["bob"], call_id="C-1")


def test_a_trainee_and_a_confirmed_agent_get_their_own_consigne_for_the_cmg(personas):
    # Note §B.1: CMG is « V » for Formation initiale, blank (level 1) for Confirmé.
    fi, _c = services.record_open(agent=personas["alice"], call_id="A")
    confirmed, _c = services.record_open(agent=personas["bob"], call_id="B")
    services.record_set_motif(fi, by=personas["alice"], motif="CMG")
    services.record_set_motif(confirmed, by=personas["bob"], motif="CMG")
    assert fi.routing_action == "rappel_differe"
    assert confirmed.routing_action == "traiter"
    assert "rappel différé" in fi.instruction and "niveau 1" in confirmed.instruction


def test_file_in_progress_matters_only_where_the_table_says_so(record, personas):
    services.record_set_motif(record, by=personas["alice"], motif="ARIPA", file_in_progress=True)
    assert record.routing_action == "rappel_differe" and record.file_in_progress
    services.record_set_motif(record, by=personas["alice"], motif="ARIPA", file_in_progress=False)
    assert record.routing_action == "traiter"


def test_an_unknown_motif_is_refused_with_the_closest_ones(record, personas):
    with pytest.raises(WorkItemError) as error:
        services.record_set_motif(record, by=personas["alice"], motif="zzzz qqqq")
    assert error.value.field == "motif"
    assert error.value.message.startswith("Motif introuvable : « zzzz qqqq »")
    record.refresh_from_db()
    assert record.motif_code == ""


@pytest.mark.parametrize(
    "typed,stored",
    [("1234567", "1234567"), ("01234567", "1234567"), ("123 45 67", "1234567")],
)
def test_it_identifies_the_claimant(record, personas, typed, stored):
    services.record_identify(
        record, by=personas["alice"], claimant_number=typed, caller_kind=CallerKind.CLAIMANT
    )
    record.refresh_from_db()
    assert record.claimant_number == stored


@pytest.mark.parametrize("typed", ["123456", "12345678", "11234567", "12345a7", "0123456789"])
def test_it_refuses_a_malformed_claimant_number(record, personas, typed):
    with pytest.raises(WorkItemError) as error:
        services.record_identify(
            record, by=personas["alice"], claimant_number=typed, caller_kind=CallerKind.CLAIMANT
        )
    assert "7 chiffres" in error.value.message
    record.refresh_from_db()
    assert record.claimant_number == ""


def test_a_third_party_must_say_who_they_are(record, personas):
    with pytest.raises(WorkItemError) as error:
        services.record_identify(record, by=personas["alice"], caller_kind=CallerKind.OTHER)
    assert error.value.field == "third_party"
    services.record_identify(
        record, by=personas["alice"], caller_kind=CallerKind.OTHER, third_party="Bailleur SIA"
    )
    assert record.third_party == "Bailleur SIA"


def test_contact_update_keeps_before_and_after(personas):
    first, _c = services.record_open(agent=personas["alice"], call_id="first", now=THURSDAY)
    services.record_identify(
        first, by=personas["alice"], claimant_number="1234567", caller_kind="allocataire"
    )
    services.record_update_contact(first, by=personas["alice"], phone="06 12 34 56 78")
    # A later call of the same claimant: the known phone is the « before ».
    later, _c = services.record_open(agent=personas["bob"], call_id="later")
    services.record_identify(
        later, by=personas["bob"], claimant_number="1234567", caller_kind="allocataire"
    )
    services.record_update_contact(
        later, by=personas["bob"], phone="+33 7 81 23 45 67", email="Jean@Exemple.FR"
    )
    changes = list(
        ContactChange.objects.filter(record=later).values_list("field", "before", "after")
    )
    assert changes == [
        ("phone", "+33612345678", "+33781234567"),
        ("email", "", "Jean@exemple.fr"),
    ]
    assert later.history.count() >= 3  # created, identified, contact updated


@pytest.mark.parametrize(
    "phone,email",
    [
        ("06 12 34", None),
        ("+44 20 7946 0958", None),
        ("bonjour", None),
        (None, "jean@"),
        (None, "a b@c.fr"),
    ],
)
def test_invalid_contact_details_are_refused_and_nothing_changes(record, personas, phone, email):
    before = _writes()
    with pytest.raises(WorkItemError) as error:
        services.record_update_contact(record, by=personas["alice"], phone=phone, email=email)
    assert error.value.message.startswith(("Numéro de téléphone invalide", "Adresse électronique"))
    assert _writes() == before
    record.refresh_from_db()
    assert record.phone == "" and record.email == ""


def test_steps_are_ticked_in_the_notes_order(record, personas):
    services.record_steps(record, by=personas["alice"], done=[3, 1, 1])
    assert record.steps_done == [1, 3]
    with pytest.raises(WorkItemError):
        services.record_steps(record, by=personas["alice"], done=[10])


def test_a_transfer_is_allowed_for_distress_only(personas):
    distress, _c = services.record_open(agent=personas["alice"], call_id="D")
    services.record_set_motif(distress, by=personas["alice"], motif="USAGERS EN DETRESSE")
    assert services.record_transfer(distress, by=personas["alice"]).kind == OutcomeKind.TRANSFER
    other, _c = services.record_open(agent=personas["alice"], call_id="E")
    services.record_set_motif(other, by=personas["alice"], motif="CMG")
    before = _writes()
    with pytest.raises(WorkItemError) as error:
        services.record_transfer(other, by=personas["alice"])
    assert error.value.message.startswith("Transfert refusé : aucun appel")
    assert "Le CMG" in error.value.message
    assert _writes() == before


def test_a_letter_needs_its_type(record, personas):
    with pytest.raises(WorkItemError) as error:
        services.record_add_outcome(record, by=personas["alice"], kind=OutcomeKind.DOCUMENT)
    assert error.value.field == "document"
    outcome = services.record_add_outcome(
        record, by=personas["alice"], kind=OutcomeKind.DOCUMENT, document="attestation-qf"
    )
    assert outcome.document.label == "Attestation de quotient familial"


def test_a_record_closes_with_a_motif_and_an_outcome_then_stays_closed(record, personas):
    with pytest.raises(WorkItemError):
        services.record_close(record, by=personas["alice"])
    services.record_set_motif(record, by=personas["alice"], motif="CMG")
    services.record_add_outcome(record, by=personas["alice"], kind=OutcomeKind.CAF_FR)
    services.record_close(record, by=personas["alice"])
    with pytest.raises(WorkItemError) as error:
        services.record_set_motif(record, by=personas["alice"], motif="ASF")
    assert error.value.status == 409


def test_over_long_text_is_refused(record, personas):
    before = _writes()
    with pytest.raises(WorkItemError) as error:
        services.request_create(record, by=personas["alice"], motif="CMG", note="x" * 2001)
    assert "2000 caractères au plus (ici 2001)" in error.value.message
    assert _writes() == before


# --- level-2 requests -----------------------------------------------------------------------


def test_a_callback_is_due_two_working_days_later_and_inherits_the_records_motif(record, personas):
    services.record_set_motif(record, by=personas["alice"], motif="CMG")
    services.record_update_contact(record, by=personas["alice"], phone="0612345678")
    item = services.request_create(record, by=personas["alice"], note="rappeler", now=THURSDAY)
    # Thursday 12/03 10:00 + 2 working days (business clock): Friday 10:00, Monday 16/03 10:00.
    assert item.due_at.astimezone(PARIS).isoformat() == "2026-03-16T10:00:00+01:00"
    assert item.status == "nouveau" and item.motif_code == "CMG"
    assert item.phone == "+33612345678"
    assert "délai par défaut" in item.due_rule
    assert record.outcomes.get().kind == OutcomeKind.CALLBACK


def test_a_bereavement_pira_takes_its_motifs_delay(record, personas):
    item = services.request_create(
        record, by=personas["alice"], kind=RequestKind.PIRA, motif="DECES-ARRIVEE", now=THURSDAY
    )
    # Seeded delay of the bereavement motifs: 1 working day → Friday 13/03 10:00.
    assert item.due_at.astimezone(PARIS).isoformat() == "2026-03-13T10:00:00+01:00"
    assert item.expertise == "Familles endeuillées" and "motif DECES-ARRIVEE" in item.due_rule


def test_a_request_without_any_motif_is_refused(record, personas):
    before = _writes()
    with pytest.raises(WorkItemError) as error:
        services.request_create(record, by=personas["alice"])
    assert error.value.field == "motif"
    assert _writes() == before


def test_attempts_end_in_unreachable_after_the_rules_number(record, personas):
    item = services.request_create(record, by=personas["alice"], motif="CMG")
    with pytest.raises(AlreadyHeld):
        services.request_attempt(item, by=personas["eric"], reached=False)
    workitems.claim(item, personas["eric"])
    item.refresh_from_db()
    for _ in range(2):
        item = services.request_attempt(item, by=personas["eric"], reached=False)
        assert item.status == Level2Request.CLAIMED
    # Third failed attempt: the seeded rules say 3 → injoignable.
    item = services.request_attempt(item, by=personas["eric"], reached=False)
    assert item.status == "injoignable" and item.attempts == 3 and item.closed_at


def test_an_expert_closes_a_request_with_its_outcome(record, personas):
    item = workitems.claim(
        services.request_create(record, by=personas["alice"], motif="CMG"), personas["eric"]
    )
    with pytest.raises(WorkItemError):
        services.request_close(item, by=personas["eric"], outcome="  ")
    item = services.request_close(item, by=personas["eric"], outcome="Droits recalculés")
    assert item.status == "traite" and item.outcome == "Droits recalculés"


def test_a_slot_is_booked_once(record, personas):
    start = timezone.now() + dt.timedelta(days=1)
    slot = services.slot_publish(
        expert=personas["eric"], start=start, end=start + dt.timedelta(minutes=30)
    )
    with pytest.raises(WorkItemError):
        services.slot_publish(
            expert=personas["eric"], start=start, end=start + dt.timedelta(minutes=15)
        )
    first = services.request_create(
        record, by=personas["alice"], kind=RequestKind.APPOINTMENT, motif="CMG"
    )
    second = services.request_create(
        record, by=personas["alice"], kind=RequestKind.APPOINTMENT, motif="ASF"
    )
    services.slot_book(slot, first, by=personas["eric"])
    with pytest.raises(AlreadyHeld) as error:
        services.slot_book(slot, second, by=personas["eric"])
    assert "vient d'être réservé" in error.value.message
    other = services.slot_publish(
        expert=personas["eric"],
        start=start + dt.timedelta(hours=1),
        end=start + dt.timedelta(hours=2),
    )
    with pytest.raises(AlreadyHeld):
        services.slot_book(other, first, by=personas["eric"])  # one slot per request (DB unique)
    assert AppointmentSlot.objects.get(pk=other.pk).request is None


# --- urgencies ------------------------------------------------------------------------------


def test_an_urgency_commits_within_one_working_day_holidays_skipped(personas):
    # Thursday 30/04/2026 11:00 + 1 working day: Friday 1 May is a public holiday → Monday 4/05.
    sent = dt.datetime(2026, 4, 30, 11, 0, tzinfo=PARIS)
    item = services.urgency_send(
        by=personas["rita"], subject="Expulsion", description="Demain", now=sent
    )
    assert item.due_at.astimezone(PARIS).isoformat() == "2026-05-04T11:00:00+02:00"
    assert item.status == "nouvelle"


def test_an_urgency_is_claimed_transferred_and_closed(personas):
    item = services.urgency_send(by=personas["alice"], subject="Expulsion", description="Demain")
    with pytest.raises(AlreadyHeld):
        services.urgency_transfer(item, by=personas["sam"], service="logement")
    workitems.claim(item, personas["sam"])
    with pytest.raises(WorkItemError) as error:
        services.urgency_transfer(item, by=personas["sam"], service="inconnu")
    assert error.value.field == "service"
    item = services.urgency_transfer(item, by=personas["sam"], service="logement")
    assert item.status == "transmise" and item.service.label == "Aides au logement"
    with pytest.raises(WorkItemError):
        services.urgency_close(item, by=personas["sam"], kept=None)
    item = services.urgency_close(item, by=personas["sam"], kept=True)
    assert item.status == "close" and item.commitment_kept is True


def test_an_urgency_needs_a_subject(personas):
    with pytest.raises(WorkItemError) as error:
        services.urgency_send(by=personas["alice"], subject=" ", description="x")
    assert error.value.message == "Objet : ce champ est obligatoire."
    assert not Urgency.objects.exists()


# --- incivilities ---------------------------------------------------------------------------


def test_an_incivility_opens_a_follow_up_for_the_teams_manager(record, personas):
    incivility = services.incivility_declare(
        record, by=personas["alice"], kind="insultes", recorded=True, call_ended=True, now=THURSDAY
    )
    follow_up = incivility.follow_up
    assert follow_up.assignee == personas["maud"]  # the manager of Alice's team
    # Thursday 12/03 + 5 working days: Fri, Mon, Tue, Wed, Thu → Thursday 19/03 10:00.
    assert follow_up.due_at.astimezone(PARIS).isoformat() == "2026-03-19T10:00:00+01:00"
    assert follow_up.missing_steps() == [
        "échange avec l'agent",
        "retranscription dans RECIT",
        "transmission aux services concernés",
    ]
    assert record.outcomes.get().kind == OutcomeKind.INCIVILITY
    with pytest.raises(WorkItemError):
        services.incivility_declare(
            record, by=personas["alice"], kind="insultes", recorded=True, call_ended=True
        )


def test_the_follow_up_completes_with_its_three_steps(record, personas):
    follow_up = services.incivility_declare(
        record, by=personas["alice"], kind="menaces", recorded=True, call_ended=True
    ).follow_up
    today = timezone.localdate()
    follow_up = services.follow_up_update(follow_up, by=personas["maud"], exchange_on=today)
    assert not follow_up.is_closed
    with pytest.raises(WorkItemError):
        services.follow_up_update(
            follow_up, by=personas["maud"], transmitted_on=today + dt.timedelta(days=1)
        )
    follow_up = services.follow_up_update(
        follow_up,
        by=personas["maud"],
        recit_reference="RECIT-2026-0042",
        transmitted_on=today,
        transmitted_to="Direction, service juridique",
    )
    assert follow_up.status == "complet"


def test_reminders_count_on_overdue_follow_ups(record, personas):
    services.incivility_declare(
        record, by=personas["alice"], kind="menaces", recorded=True, call_ended=True, now=THURSDAY
    )
    assert services.follow_up_remind(now=THURSDAY + dt.timedelta(days=30)) == 1
    assert FollowUp.objects.get().reminders == 1


# --- data protection ------------------------------------------------------------------------


def test_purge_is_a_dry_run_unless_applied_and_keeps_the_counts(personas):
    old = dt.datetime(2024, 1, 10, 10, 0, tzinfo=PARIS)
    rec, _c = services.record_open(
        agent=personas["alice"], call_id="old", caller_number="0612345678", now=old
    )
    services.record_identify(
        rec, by=personas["alice"], claimant_number="1234567", caller_kind="allocataire"
    )
    services.record_set_motif(rec, by=personas["alice"], motif="CMG")
    services.request_create(rec, by=personas["alice"], note="Mme X, 3 enfants", now=old)
    services.log_consultation(personas["eric"], claimant_number="1234567", what="x", now=old)
    recent, _c = services.record_open(
        agent=personas["alice"], call_id="recent", caller_number="0700000000"
    )
    counts = services.purge()
    assert counts["fiches"] == 1 and counts["demandes"] == 1 and counts["consultations"] == 1
    rec.refresh_from_db()
    assert rec.claimant_number == "1234567"  # dry run: nothing erased
    services.purge(apply=True)
    rec.refresh_from_db()
    assert (rec.claimant_number, rec.caller_number, rec.purged_at is not None) == ("", "", True)
    assert rec.motif_code == "CMG" and rec.outcomes.count() == 1  # anonymous counts kept
    assert Level2Request.objects.get().note == ""
    assert not rec.history.exclude(claimant_number="").exists()
    assert not Consultation.objects.exists()
    recent.refresh_from_db()
    assert recent.caller_number == "0700000000"
    assert services.purge() == {
        "fiches": 0,
        "demandes": 0,
        "mises_a_jour_coordonnees": 0,
        "incivilites": 0,
        "consultations": 0,
    }


def test_the_request_expertise_comes_from_the_parcours(record, personas):
    item = services.request_create(record, by=personas["alice"], motif="ASF")
    assert item.expertise == "PARCOURS SEPARATIONS"
    assert make_user("x", Role.AGENT)  # an agent without a team still gets a team-less item
