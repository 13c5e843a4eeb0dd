"""The capability table and `@requires`: role first (403), then method (405), per-method actions."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from pfspilot.people.access import CAPABILITIES, SCOPES, Scope, can, requires
from pfspilot.people.models import Role


@requires({"GET": "people", "POST": "request.claim"})
def queue(request):
    return HttpResponse("ok")


@requires({"GET": "dashboard", "POST": "request.claim"})
def steering_queue(request):
    return HttpResponse("ok")


def call(view, user, method):
    request = getattr(RequestFactory(), method.lower())("/")
    request.user = user
    return view(request)


def test_each_method_requires_its_own_capability(personas):
    assert call(queue, personas["alice"], "GET").status_code == 200
    with pytest.raises(PermissionDenied, match="Prendre en charge une demande de niveau 2"):
        call(queue, personas["alice"], "POST")
    assert call(queue, personas["eric"], "POST").status_code == 200


def test_an_undeclared_method_is_405_with_allow_for_a_role_that_may_use_the_view(personas):
    response = call(queue, personas["eric"], "PUT")
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert call(queue, personas["eric"], "HEAD").status_code == 200  # HEAD goes with GET


def test_a_role_without_any_capability_of_the_view_gets_403_whatever_the_method(personas):
    for method in ("GET", "POST", "PUT"):
        with pytest.raises(PermissionDenied):
            call(steering_queue, personas["alice"], method)


def test_a_single_capability_means_get_only(personas):
    @requires("home")
    def page(request):
        return HttpResponse("ok")

    assert page.capabilities == {"GET": "home", "HEAD": "home"}
    assert call(page, personas["alice"], "POST").status_code == 405


def test_declarations_are_checked_when_the_view_is_defined():
    with pytest.raises(KeyError):
        requires("tout")
    with pytest.raises(ValueError):
        requires({"TRACE": "home"})
    with pytest.raises(ValueError):
        requires({})


def test_anonymous_holds_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert not can(AnonymousUser(), "home")


# Decisions taken from the issues' texts (desk §B.1 §C §D, emails §B.2, supervision §E).
@pytest.mark.parametrize(
    "capability,holders",
    [
        ("request.claim", {Role.EXPERT}),  # level-2 experts take callbacks, PIRA, appointments
        ("request.close", {Role.EXPERT}),
        ("appointment.slots", {Role.EXPERT}),
        ("request.create", {Role.AGENT, Role.REINFORCEMENT}),
        ("urgency.send", {Role.AGENT, Role.REINFORCEMENT}),  # renfort national raises urgencies
        ("urgency.claim", {Role.SUPERVISOR, Role.MANAGER}),
        ("call.transfer", {Role.AGENT, Role.REINFORCEMENT}),
        ("incivility.follow_up", {Role.MANAGER, Role.ADMIN}),
        ("audit.view", {Role.ADMIN}),
        ("email.claim", {Role.AGENT, Role.REINFORCEMENT}),
        ("email.reassign", {Role.SUPERVISOR, Role.MANAGER}),
        ("supervision.evaluate", {Role.SUPERVISOR, Role.MANAGER}),
        ("supervision.acknowledge", {Role.AGENT}),
        ("plan.reoptimise", {Role.MANAGER, Role.ADMIN}),  # issue 12 §8: least privilege
        ("forecast.override", {Role.MANAGER, Role.ADMIN}),
        ("contacts.import", {Role.MANAGER, Role.ADMIN}),
        ("indicators.export", {Role.DIRECTION, Role.MANAGER, Role.ADMIN, Role.SUPERVISOR}),
    ],
)
def test_who_holds_an_action(capability, holders):
    assert CAPABILITIES[capability].is_action
    assert CAPABILITIES[capability].roles == holders


def test_the_expert_opens_the_guide_their_card_and_the_level2_queue_only():
    pages = {n for n, c in CAPABILITIES.items() if not c.is_action and Role.EXPERT in c.roles}
    assert pages == {"home", "guide", "people", "requests"}


def test_every_role_has_a_scope():
    assert set(SCOPES) == set(Role.values)
    assert SCOPES[Role.SUPERVISOR] == Scope.TEAM
    assert SCOPES[Role.EXPERT] == Scope.OWN
