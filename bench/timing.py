"""Server time of a page, shared by the page benchmarks (Django's test client, no network)."""

import statistics
import time


def page_timings(client, url: str, requests: int, warmup: int) -> list[float]:
    """Seconds of each of `requests` GETs of `url` after `warmup` ones; each must be 200."""
    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    return timings


def percentile(timings: list[float], share: float) -> float:
    """Nearest-rank percentile (`share` in 0–1) of the timings."""
    ordered = sorted(timings)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def time_page(client, url: str, requests: int, warmup: int) -> tuple[float, float]:
    """(median, max) seconds of `requests` GETs of `url` after `warmup` ones; each must be 200."""
    timings = page_timings(client, url, requests, warmup)
    return statistics.median(timings), max(timings)
