"""Windows: fixed windows in two phases half a timespan apart stand in for Sigma's sliding one."""
from sigma.backends.sumo.search import FieldExtraction, SumoSearch

from .rendering import render_correlation
from .rules import EDGE, MINUTE, SECOND, correlation
from .sumo_simulator import event, run

RULES = """
title: Failed logon
name: failed_logon
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4625}, condition: selection}
---
title: Many failed logons
correlation:
    type: event_count
    rules: failed_logon
    timespan: 10m
    condition: {gte: 5}
"""

SEARCH = SumoSearch(
    "_sourceCategory=windows/security",
    (FieldExtraction("EventID", "EventID"),),
    'EventID = "4625"',
)


def burst(start: int, length: int, count: int = 5) -> list[dict]:
    """`count` failed logons spread evenly from `start` over `length` milliseconds."""
    step = length // (count - 1)
    return [event(start + step * i, {"EventID": "4625"}) for i in range(count)]


def windows_of(rows: list[dict]) -> list[str]:
    return sorted(r["window_start"] for r in rows)


def query() -> str:
    return render_correlation(correlation(RULES), [("failed_logon", SEARCH)])


def test_the_query_says_in_one_comment_line_what_the_windows_lose():
    comments = [line for line in query().split("\n") if line.startswith("//")]

    assert comments == [
        "// windows: fixed 10m windows starting every 5m; a burst longer than 5m can be split "
        "and missed, and a burst can be listed once per phase"
    ]


def test_a_short_burst_across_an_edge_of_one_phase_is_caught_by_the_other():
    # 22:08 to 22:12 crosses the 22:10 edge of the first phase; 22:05-22:15 holds it whole.
    rows = run(query(), burst(EDGE + 8 * MINUTE, 4 * MINUTE))

    assert windows_of(rows) == ["2023-11-14T22:05:00.000Z"]


def test_a_burst_longer_than_half_the_span_across_edges_of_both_phases_is_missed():
    # 22:04 to 22:11 (7 minutes, within the 10m timespan) crosses 22:05 and 22:10.
    rows = run(query(), burst(EDGE + 4 * MINUTE, 7 * MINUTE))

    assert rows == []


def test_a_burst_inside_windows_of_both_phases_is_listed_once_per_phase():
    rows = run(query(), burst(EDGE + 6 * MINUTE, 3 * MINUTE))

    assert windows_of(rows) == ["2023-11-14T22:00:00.000Z", "2023-11-14T22:05:00.000Z"]
    assert {(r["first_seen"], r["last_seen"]) for r in rows} == {
        ("2023-11-14T22:06:00.000Z", "2023-11-14T22:09:00.000Z")
    }


def test_events_further_apart_than_the_timespan_never_count_together():
    events = burst(EDGE, 40 * MINUTE, count=5)

    assert run(query(), events) == []


def test_an_event_on_a_window_edge_starts_that_window():
    events = burst(EDGE + 10 * MINUTE, 9 * MINUTE + 59 * SECOND)

    rows = run(query(), events)

    assert windows_of(rows) == ["2023-11-14T22:10:00.000Z"]
