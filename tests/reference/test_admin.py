"""The referential's admin pages (administrator `adam`): French errors, nothing saved, history."""

import datetime as dt
import re

import pytest

from pfspilot.reference.models import CogTarget, Motif, PlatformRuleSet, RoutingMatrix

COG_ADD = "/admin/reference/cogtarget/add/"
RULES_ADD = "/admin/reference/platformruleset/add/"


def cog_form(**changes):
    return {
        "year": "2028",
        "pickup_rate": "87",
        "repeat_rate_max": "21",
        "phone_satisfaction": "83",
        "email_within_deadline": "80",
        "complaint_within_deadline": "82",
        "email_satisfaction": "86",
        "calls_per_fte": "8000",
        "emails_per_fte": "2000",
        "comment": "",
        **changes,
    }


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def rules_form(**changes):
    return {
        "valid_from": "01/01/2027",
        "comment": "",
        "phone_share": "85",
        "email_share": "15",
        "calls_per_hour": "10",
        "emails_per_hour": "10",
        "opening": "09:00",
        "closing": "16:30",
        "phone_hours_per_day": "6",
        "training_months": "3,5,6,9,10,11",
        "training_week_of_month": "3",
        "training_weekday": "3",
        "supervisions_per_semester": "1",
        "supervise_all_missions_yearly": "on",
        **inline_management("day_slots"),
        **inline_management("interview_steps"),
        **changes,
    }


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"pickup_rate": "120"}, "Un pourcentage ne peut pas dépasser 100 %."),
        ({"phone_satisfaction": "-3"}, "Un pourcentage ne peut pas être négatif."),
    ],
)
def test_it_refuses_an_out_of_range_percentage(client_for, changes, message):
    response = client_for("adam").post(COG_ADD, cog_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CogTarget.objects.filter(year=2028).exists()


def test_it_saves_a_valid_target_with_its_author(client_for, personas):
    response = client_for("adam").post(COG_ADD, cog_form())
    assert response.status_code == 302
    target = CogTarget.objects.get(year=2028)
    assert target.history.get().history_user == personas["adam"]


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"calls_per_hour": "-10"}, "La valeur doit être strictement positive."),
        ({"closing": "08:30"}, "La fermeture doit être postérieure à l&#x27;ouverture."),
        ({"email_share": "25"}, "Les parts téléphonie et courriels doivent totaliser 100 %"),
    ],
)
def test_it_refuses_bad_platform_rules(client_for, changes, message):
    response = client_for("adam").post(RULES_ADD, rules_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert PlatformRuleSet.objects.count() == 1


def test_it_refuses_overlapping_slots_of_a_group(client_for):
    slots = {
        **inline_management("day_slots", total=2),
        "day_slots-0-lunch_group": "A",
        "day_slots-0-start": "08:50",
        "day_slots-0-end": "11:45",
        "day_slots-0-activity": "phone",
        "day_slots-1-lunch_group": "A",
        "day_slots-1-start": "11:30",
        "day_slots-1-end": "12:30",
        "day_slots-1-activity": "lunch",
    }
    response = client_for("adam").post(RULES_ADD, rules_form(**slots))
    assert "Deux créneaux de l&#x27;agent A se chevauchent (11:30)." in response.content.decode()
    assert PlatformRuleSet.objects.count() == 1


def test_it_changes_a_motif_rule_and_records_it(client_for, personas):
    motif = Motif.objects.get(code="CMG")
    data = {
        "matrix": str(motif.matrix_id),
        "position": "1",
        "parcours": motif.parcours,
        "code": "CMG",
        "label": "Le CMG",
        "rule_fi": "rappel_differe",
        "rule_confirme": "rappel_differe",
        "keywords": motif.keywords,
    }
    response = client_for("adam").post(f"/admin/reference/motif/{motif.pk}/change/", data)
    assert response.status_code == 302
    motif.refresh_from_db()
    assert motif.rule_confirme == "rappel_differe"
    latest = motif.history.first()
    assert (latest.history_type, latest.history_user) == ("~", personas["adam"])
    assert latest.diff_against(latest.prev_record).changed_fields == ["rule_confirme"]


def test_it_shows_the_matrix_with_its_rows_and_history(client_for):
    matrix = RoutingMatrix.objects.get()
    client = client_for("adam")
    page = client.get(f"/admin/reference/routingmatrix/{matrix.pk}/change/").content.decode()
    assert "USAGERS EN DETRESSE" in page
    assert page.count('name="motifs-') > 29 * 7
    history = client.get(f"/admin/reference/routingmatrix/{matrix.pk}/history/")
    assert history.status_code == 200


def test_it_prepares_a_new_matrix_version(client_for):
    matrix = RoutingMatrix.objects.get()
    response = client_for("adam").post(
        "/admin/reference/routingmatrix/",
        {"action": "copy_routingmatrix", "_selected_action": [str(matrix.pk)], "index": "0"},
    )
    newer = RoutingMatrix.objects.exclude(pk=matrix.pk).get()
    assert response.status_code == 302
    assert response.url == f"/admin/reference/routingmatrix/{newer.pk}/change/"
    assert newer.valid_from > dt.date.today()
    assert newer.motifs.count() == 29


@pytest.mark.parametrize("persona", ["alice", "sam", "maud", "diane"])
def test_it_keeps_the_referential_for_administrators(client_for, persona):
    response = client_for(persona).get(COG_ADD)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "model", ["cogtarget", "platformruleset", "indicatorparameterset", "routingmatrix", "motif"]
)
def test_it_opens_every_referential_page(client_for, model):
    client = client_for("adam")
    listing = client.get(f"/admin/reference/{model}/")
    assert listing.status_code == 200
    first = re.search(rf'href="/admin/reference/{model}/(\d+)/change/', listing.content.decode())
    assert client.get(f"/admin/reference/{model}/{first.group(1)}/change/").status_code == 200
    assert client.get(f"/admin/reference/{model}/{first.group(1)}/history/").status_code == 200
