"""Server time of a page, shared by the page benchmarks (Django's test client, no network)."""

import statistics
import time


def time_page(client, url: str, requests: int, warmup: int) -> tuple[float, float]:
    """(median, max) seconds of `requests` GETs of `url` after `warmup` ones; each must be 200."""
    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    return statistics.median(timings), max(timings)
