"""Accessibility (issue 12 §10): axe-core (the npm package, tests/support/vendor/axe.min.js,
read from disk and evaluated in the page: nothing fetched) run in Debian's Chromium on every HTML
page of every role (the access test's URL table, records made by its factories): no serious or
critical violation; every form control reachable with the keyboard; no sideways scrolling at
390 px; the day plan's timeline has a text alternative.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.planning.dayplan_data import MARCH_2, make_agents, make_history

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = (Path(__file__).resolve().parents[1] / "support" / "vendor" / "axe.min.js").read_text()
ROLES = ["alice", "rita", "eric", "sam", "maud", "diane", "adam"]
# Pages with figures (the day of the planning data) besides the menu's.
EXTRA = {
    "planning": [f"/planification/?jour={MARCH_2.isoformat()}"],
}
NARROW = {"width": 390, "height": 844}

# In-page checks: axe's serious and critical violations, form controls the keyboard cannot reach,
# and whether the page scrolls sideways.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""
UNREACHABLE = """() => Array.from(document.querySelectorAll(
    "main input:not([type=hidden]), main select, main textarea, main button, main a[href]"))
  .filter(el => el.offsetParent !== null && !el.disabled && el.tabIndex < 0)
  .map(el => el.outerHTML.slice(0, 120))"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The outermost elements sticking out on the right (to say what to fix).
CULPRITS = """() => {
  const width = document.documentElement.clientWidth + 1;
  const clipped = el => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll("body *"))
    .filter(el => el.getBoundingClientRect().right > width && !clipped(el)
                  && el.parentElement.getBoundingClientRect().right <= width)
    .slice(0, 4).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                           + (el.className ? "." + el.className : ""));
}"""


@pytest.fixture
def planning_data(personas):
    make_history()
    make_agents()


def _pages(user) -> list[str]:
    """Every HTML page the role may open (the access test's table of URLs and its factories of
    records in the user's scope), exports left out, plus the day plan of the planning data."""
    from tests.test_access import HTML, expected, url_for

    pages = ["/"]
    for name in sorted(HTML):
        if "export" in name or expected(user.role, HTML[name], "GET") != {200, 302}:
            continue
        pages.append(url_for(name, user))
    if any(p.startswith("/planification/") for p in pages):
        pages += EXTRA["planning"]
    return list(dict.fromkeys(pages))


def _check(page, url: str, problems: list) -> bool:
    """axe and the keyboard on `url`; False for a fragment (htmx) checked within its page."""
    head = page.request.get(url)  # the context's cookies: what the page would receive
    kind = head.headers.get("content-type", "")
    if not kind.startswith("text/html") or "attachment" in head.headers.get(
        "content-disposition", ""
    ):
        return False  # a download (attachment, export, PDF), not a page
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    if not page.evaluate("() => !!document.querySelector('main')"):
        return False
    page.evaluate(AXE)
    for violation in page.evaluate(RUN_AXE):
        problems.append({"page": url, **violation})
    for html in page.evaluate(UNREACHABLE):
        problems.append({"page": url, "id": "clavier", "nodes": [html]})
    return True


@pytest.mark.parametrize("name", ROLES)
def test_every_page_of_the_role_passes_axe_the_keyboard_and_390_pixels(
    page, login_as, planning_data, name
):
    page.goto("/connexion/")
    page.evaluate(AXE)
    problems = [{"page": "/connexion/", **v} for v in page.evaluate(RUN_AXE)]
    user = login_as(page, name)
    pages = [url for url in _pages(user) if _check(page, url, problems)]
    assert len(pages) >= 5, pages
    # The same pages on a 390 px wide phone: wide tables scroll in their box, not the page.
    page.set_viewport_size(NARROW)
    for url in ["/connexion/", *pages]:
        page.goto(url)
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            problems.append(
                {"page": url, "id": "390px", "overflow": overflow, "nodes": page.evaluate(CULPRITS)}
            )
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_the_day_plan_timeline_has_a_text_alternative(page, login_as, planning_data):
    login_as(page, "maud")
    page.goto(f"/planification/?jour={MARCH_2.isoformat()}")
    timeline = page.locator(".gantt").first
    expect(timeline).to_have_attribute("aria-hidden", "true")
    page.get_by_text("Journées en texte : Équipe Arras").click()
    table = page.locator("details.timeline-text table").first
    expect(table).to_be_visible()
    row = table.locator("tbody tr").first
    expect(row.locator("th")).not_to_be_empty()
    expect(row.locator("td")).to_contain_text("Déjeuner 11:45–12:45")
