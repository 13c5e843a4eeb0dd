"""Server time of every page of each demo account's menu, on the demo year (goal: under 300 ms).

    PFSPILOT_VAR_DIR=… [DATABASE_URL=…] .venv/bin/python bench/bench_pages.py [--requests 5]

Run `pfspilot migrate` and `pfspilot demo` on that database first (and `ANALYZE` on PostgreSQL).
Each account follows the links of its home page (the menu and Mon poste), every page is fetched
once to warm up then `--requests` times through Django's test client; the slowest pages are
printed with their median and maximum (ms) and how many exceed the goal.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pfspilot.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from pfspilot.people.models import User  # noqa: E402

ACCOUNTS = ("agent.fi", "superviseur", "manager", "direction", "admin", "expert")
SKIPPED = ("/static", "/admin", "/deconnexion", "/api")
GOAL_MS = 300


def timings(client: Client, url: str, requests: int) -> tuple[int, float, float]:
    client.get(url)  # warm-up
    spent = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        spent.append((time.perf_counter() - start) * 1000)
    spent.sort()
    return response.status_code, spent[len(spent) // 2], spent[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--show", type=int, default=15)
    args = parser.parse_args()
    rows = []
    for name in ACCOUNTS:
        client = Client()
        client.force_login(User.objects.get(username=name))
        home = client.get("/", follow=True).content.decode()
        links = sorted(
            {h for h in re.findall(r'href="(/[^"#?]*)"', home) if not h.startswith(SKIPPED)}
        )
        rows.extend((name, url, *timings(client, url, args.requests)) for url in links)
    print("| compte | page | statut | médiane (ms) | max (ms) |")
    print("|---|---|---|---|---|")
    for name, url, status, median, worst in sorted(rows, key=lambda r: -r[4])[: args.show]:
        print(f"| {name} | `{url}` | {status} | {median:.0f} | {worst:.0f} |")
    over = sum(row[4] > GOAL_MS for row in rows)
    print(f"\n{len(rows)} pages × comptes ; au-delà de {GOAL_MS} ms (max) : {over}")


if __name__ == "__main__":
    main()
