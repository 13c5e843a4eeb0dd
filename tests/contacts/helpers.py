"""Small hand-written exports for the contacts tests."""

import gzip
from pathlib import Path

CALL_HEADER = (
    "call_id,caller_id,arrival,ivr_exit,queue_entry,queue_exit,answered_at,ended_at,"
    "wait_s,talk_s,wrap_s,agent,team,queue,motif,outcome"
)
# c1 answered after 30 s in queue, c2 abandoned after 45 s, c3 left in the IVR (no outcome given).
CALL_ROWS = [
    "c1,0601020304,2026-03-02 09:00:00,2026-03-02 09:00:20,2026-03-02 09:00:20,"
    "2026-03-02 09:00:50,2026-03-02 09:00:50,2026-03-02 09:05:50,30,300,20,bob,,Prestations,AAH,",
    "c2,0601020304,2026-03-02 10:00:00,2026-03-02 10:00:10,2026-03-02 10:00:10,"
    "2026-03-02 10:00:55,,,45,,,,,Prestations,,",
    "c3,,2026-03-02 11:00:00,2026-03-02 11:01:00,,,,,,,,,,,,",
]


def write(tmp_path: Path, name: str, text: str, *, encoding="utf-8", compress=False) -> Path:
    data = text.encode(encoding)
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def calls_csv(rows=None, *, sep=",", header=CALL_HEADER) -> str:
    rows = CALL_ROWS if rows is None else rows
    return "\n".join([header.replace(",", sep), *(r.replace(",", sep) for r in rows)]) + "\n"
