"""Smoke tests of the browser set-up on existing pages: real login form, htmx, keyboard focus.

They prove the e2e fixtures (Debian chromium, live server, French context) that the desk and
email desk tests build on.
"""

import re

import pytest
from playwright.sync_api import expect

from pfspilot.people.models import User

# Committed data for the live server; the serialized rollback puts back the reference data the
# migrations seed (pytest-django serializes the test database only for tests marked so).
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_trainee_logs_in_and_uses_the_call_guide_with_the_keyboard(page, login_as):
    login_as(page, "alice")
    page.goto("/guide/")
    search = page.get_by_label(re.compile("Motif de l'appel"))
    expect(search).to_be_focused()  # autofocus: the agent types at once

    search.press_sequentially("paiement")
    payments = page.locator('article[data-code="PAIEMENTS"]')
    expect(payments).to_be_visible()
    expect(payments.locator('.decision[data-profile="fi"]')).to_have_attribute(
        "data-action", "traiter"
    )
    expect(payments).to_contain_text("Traiter l'appel au niveau 1")

    search.fill("")
    search.press_sequentially("ARIPA")
    aripa = page.locator('article[data-code="ARIPA"]')
    expect(aripa.get_by_text("Dossier en cours ?")).to_be_visible()
    expect(aripa.locator(".outcome")).to_have_count(2)  # both outcomes until answered

    # Tab from the search field to the question's « Oui », as an agent would, then Enter.
    yes = "dossier-ARIPA-oui"
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == yes:
            break
    assert page.evaluate("document.activeElement.id") == yes
    page.keyboard.press("Enter")

    answered = page.locator(f"#{yes}")
    expect(answered).to_have_attribute("aria-pressed", "true")
    expect(aripa.locator(".outcome")).to_have_count(0)  # one outcome now, the question's answer
    # htmx swapped the results: the focus is on the new « Oui », not lost to <body>.
    expect(answered).to_be_focused()


def test_the_test_reads_and_writes_the_database_between_browser_steps(page, login_as):
    login_as(page, "alice")
    assert User.objects.get(username="alice").last_login is not None  # set by the real login
    User.objects.filter(username="alice").update(first_name="Alicia")  # committed at once
    page.goto("/")
    expect(page.locator("body")).to_contain_text("Alicia")


def test_a_manager_opens_the_dashboard(page, login_as):
    login_as(page, "maud")
    page.goto("/indicateurs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord COG")
    expect(page).to_have_title(re.compile("Tableau de bord"))


def test_a_failed_login_stays_on_the_form_with_a_french_message(page, personas):
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill("alice")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect")


def test_two_users_browse_side_by_side_in_separate_sessions(page, new_page, login_as):
    login_as(page, "alice")
    supervisor = new_page()
    login_as(supervisor, "sam")
    page.goto("/")
    supervisor.goto("/")
    expect(page.locator("body")).to_contain_text("Alice")
    expect(supervisor.locator("body")).to_contain_text("Sam")
    expect(supervisor.locator("body")).not_to_contain_text("Alice")
