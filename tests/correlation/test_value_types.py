"""value_count, value_sum, value_avg, value_percentile, value_median over one field per group."""
from sigma.backends.sumo.search import FieldExtraction, SumoSearch

from .rendering import render_correlation
from .rules import EDGE, SECOND, correlation
from .sumo_simulator import event, run

CONNECTION = """
title: Outbound connection
name: outbound_connection
logsource: {product: windows, category: network_connection}
detection: {selection: {Initiated: 'true'}, condition: selection}
"""

SEARCH = SumoSearch(
    "_sourceCategory=windows/sysmon",
    (
        FieldExtraction("EventID", "EventID"),
        FieldExtraction("EventData.Initiated", "Initiated"),
        FieldExtraction("EventData.SourceIp", "SourceIp"),
        FieldExtraction("EventData.DestinationPort", "DestinationPort"),
        FieldExtraction("EventData.BytesSent", "BytesSent"),
    ),
    'EventID = "3" and Initiated = "true"',
)

HEAD = """\
_sourceCategory=windows/sysmon
| json field=_raw "EventID", "EventData.Initiated", "EventData.SourceIp", "EventData.DestinationPort", "EventData.BytesSent" as EventID, Initiated, SourceIp, DestinationPort, BytesSent nodrop
| where EventID = "3" and Initiated = "true"
"""

WINDOWS = """\
// windows: fixed 10m windows starting every 5m; a burst longer than 5m can be split and missed, and a burst can be listed once per phase
| "0,1" as window_phases
| parse regex field=window_phases "(?<window_phase>[0-1])" multi
| _messageTime - ((_messageTime - num(window_phase) * 300000) % 600000) as window_start_ms
"""

TIMES = """\
| formatDate(toLong(window_start_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as window_start
| formatDate(toLong(first_seen_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as first_seen
| formatDate(toLong(last_seen_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as last_seen
| sort by last_seen_ms
"""

AGGREGATE = (
    "| count as event_count, min(_messageTime) as first_seen_ms, "
    "max(_messageTime) as last_seen_ms, {aggregate} by window_phase, window_start_ms, SourceIp\n"
)


def rule(kind: str, condition: str) -> str:
    return CONNECTION + f"""
---
title: Connections by one source
correlation:
    type: {kind}
    rules: outbound_connection
    group-by: SourceIp
    timespan: 10m
    condition: {condition}
"""


def connection(i: int, port: object = 443, sent: object = 100) -> dict:
    payload = {"Initiated": "true", "SourceIp": "10.0.0.5"}
    if port is not None:
        payload["DestinationPort"] = port
    if sent is not None:
        payload["BytesSent"] = sent
    return event(EDGE + SECOND * i, {"EventID": "3", "EventData": payload})


def query(kind: str, condition: str) -> str:
    return render_correlation(correlation(rule(kind, condition)), [("outbound_connection", SEARCH)])


def alerts(kind: str, condition: str, events: list[dict]) -> list[dict]:
    """The alert rows of the phase whose windows start on the hour (one per burst here)."""
    rows = run(query(kind, condition), events)
    return [r for r in rows if r["window_start"] == "2023-11-14T22:00:00.000Z"]


def test_value_count_counts_distinct_values_of_events_that_carry_the_field():
    assert query("value_count", "{field: DestinationPort, gte: 5}") == (
        HEAD
        + "| where !isNull(DestinationPort)\n"
        + WINDOWS
        + AGGREGATE.format(aggregate="count_distinct(DestinationPort) as value_count")
        + "| where value_count >= 5\n"
        + TIMES
        + "| fields window_start, first_seen, last_seen, SourceIp, event_count, value_count"
    )


def test_five_distinct_ports_alert():
    events = [connection(i, port) for i, port in enumerate([22, 80, 443, 445, 3389])]

    rows = alerts("value_count", "{field: DestinationPort, gte: 5}", events)

    assert [(r["sourceip"], r["event_count"], r["value_count"]) for r in rows] == [
        ("10.0.0.5", 5, 5)
    ]


def test_many_connections_to_four_ports_do_not_alert():
    events = [connection(i, port) for i, port in enumerate([22, 80, 443, 445] * 3)]

    assert alerts("value_count", "{field: DestinationPort, gte: 5}", events) == []


def test_an_event_without_the_field_is_not_a_value():
    events = [connection(i, port) for i, port in enumerate([22, 80, 443, 445, None])]

    assert alerts("value_count", "{field: DestinationPort, gte: 5}", events) == []


def test_value_sum_adds_values_shaped_like_numbers():
    assert query("value_sum", "{field: BytesSent, gt: 1000}") == (
        HEAD
        + "| where !isNull(BytesSent) and BytesSent matches /^-?[0-9]+(?:\\.[0-9]+)?$/\n"
        + "| num(BytesSent) as value_number\n"
        + WINDOWS
        + AGGREGATE.format(aggregate="sum(value_number) as value_sum")
        + "| where value_sum > 1000\n"
        + TIMES
        + "| fields window_start, first_seen, last_seen, SourceIp, event_count, value_sum"
    )


def test_a_sum_over_the_threshold_alerts():
    events = [connection(i, sent=sent) for i, sent in enumerate([400, "500", 200.5])]

    rows = alerts("value_sum", "{field: BytesSent, gt: 1000}", events)

    assert [r["value_sum"] for r in rows] == [1100.5]


def test_values_not_shaped_like_numbers_are_left_out_of_a_sum():
    events = [connection(i, sent=sent) for i, sent in enumerate([400, "500", "1e9", "12 kB", "-"])]

    assert alerts("value_sum", "{field: BytesSent, gt: 1000}", events) == []


def test_value_avg_averages_the_numbers():
    condition = "{field: BytesSent, gte: 300}"
    assert ", avg(value_number) as value_avg by " in query("value_avg", condition)
    above = [connection(i, sent=sent) for i, sent in enumerate([200, 400, "n/a"])]
    below = [connection(i, sent=sent) for i, sent in enumerate([200, 399])]

    assert [r["value_avg"] for r in alerts("value_avg", condition, above)] == [300]
    assert alerts("value_avg", condition, below) == []


def test_value_percentile_ranks_with_pct_at_the_rules_percentile():
    condition = "{field: BytesSent, percentile: 90, gt: 5000}"
    assert ", pct(value_number, 90) as value_percentile by " in query("value_percentile", condition)
    # 11 values: every usual definition puts the 90th percentile between the top two.
    high = [connection(i, sent=sent) for i, sent in enumerate([100] * 9 + [9000, 9000])]
    low = [connection(i, sent=sent) for i, sent in enumerate([100] * 10 + [9000])]

    assert [r["value_percentile"] for r in alerts("value_percentile", condition, high)] == [9000]
    assert alerts("value_percentile", condition, low) == []


def test_value_median_is_the_fiftieth_percentile():
    condition = "{field: BytesSent, gte: 1000}"
    assert ", pct(value_number, 50) as value_median by " in query("value_median", condition)
    high = [connection(i, sent=sent) for i, sent in enumerate([10, 1000, 1500, 2000, 5000])]
    low = [connection(i, sent=sent) for i, sent in enumerate([10, 20, 999, 2000, 5000])]

    assert [r["value_median"] for r in alerts("value_median", condition, high)] == [1500]
    assert alerts("value_median", condition, low) == []
