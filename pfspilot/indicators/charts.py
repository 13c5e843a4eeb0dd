"""The dashboard's chart data (Chart.js): the trend against its target, the half-hour volumes."""

from pfspilot.lists.exports import Table


def chart_data(trend: Table, target_rows: list[dict]) -> list[dict]:
    """One line chart per target: the value per period and the target line."""
    targets = {row["key"]: row for row in target_rows}
    series = [
        ("pickup_rate", "pickup_rate", True),
        ("repeat_rate", "repeat_rate", True),
        ("phone_satisfaction", "phone_satisfaction", True),
        ("level1_rate", "level1_rate", True),
        ("complaints_rate", "complaints_rate", True),
        ("email_satisfaction", "email_satisfaction", True),
        ("calls_per_fte", "calls_per_fte", False),
        ("emails_per_fte", "emails_per_fte", False),
    ]
    labels = [row["label"] for row in trend.rows]
    charts = []
    for key, column, percent in series:
        target = targets[key]
        if target["note"]:
            continue  # not attributable to the team, agent or motif in scope
        values = [row[column] for row in trend.rows]
        if percent:
            values = [None if v is None else round(v * 100, 2) for v in values]
            goal = [round(target["target"] * 100, 2)] * len(labels)
        else:
            values = [None if v is None else round(v, 1) for v in values]
            goal = [round(row[f"{column}_target"], 1) for row in trend.rows]
        charts.append(
            {
                "key": key,
                "title": target["label"],
                "percent": percent,
                "labels": labels,
                "values": values,
                "target": goal,
                **axis_range(values, goal, percent),
            }
        )
    return charts


def axis_range(values: list, goal: list, percent: bool) -> dict:
    """Y-axis bounds holding the values and the target line with a margin (never on the edge).

    `min` is a hard lower bound, never negative: counts (production per ETP) start at 0, rates
    at most the margin below their lowest point; `suggested_max` leaves room above.
    """
    points = [v for v in (*values, *goal) if v is not None]
    if not points:
        return {"min": 0.0, "suggested_max": None}
    low, high = min(points), max(points)
    margin = max((high - low) * 0.1, 1.0 if percent else abs(high) * 0.05 or 1.0)
    low, high = low - margin, high + margin
    if percent:
        high = min(high, 100.0)
    else:
        low = 0.0  # a count is read against zero
    return {"min": round(max(low, 0.0), 1), "suggested_max": round(high, 1)}


def half_hours_chart(table: Table) -> dict:
    """Mean offered and treated (agents + IVR) calls per half-hour, for the bar chart."""
    return {
        "labels": [f"{row['slot']:%H:%M}" for row in table.rows],
        "offered": [round(row["offered_mean"] or 0, 1) for row in table.rows],
        "treated": [
            round((row["answered_mean"] or 0) + (row["ivr_mean"] or 0), 1) for row in table.rows
        ],
    }
