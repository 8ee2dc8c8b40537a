"""event_count: at least (or at most, or exactly) N events of the base rules per group."""
import pytest

from sigma.backends.sumo.search import FieldExtraction, SumoSearch

from .rendering import render_correlation
from .rules import EDGE, SECOND, correlation
from .sumo_simulator import event, run

FAILED_LOGON = """
title: Failed logon
id: 5638f7c0-ac70-491d-8465-2a65075e0d86
name: failed_logon
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4625}, condition: selection}
"""

EXPLICIT_LOGON = """
title: Logon with explicit credentials
id: 8f1b0c2e-5a0e-4d52-9a35-7f8e3c1d2b44
name: explicit_logon
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4648}, condition: selection}
"""

SCOPE = "_sourceCategory=windows/security"

FAILED_LOGON_SEARCH = SumoSearch(
    SCOPE,
    (
        FieldExtraction("EventID", "EventID"),
        FieldExtraction("EventData.TargetUserName", "TargetUserName"),
        FieldExtraction("Computer", "Computer"),
    ),
    'EventID = "4625"',
)

EXPLICIT_LOGON_SEARCH = SumoSearch(
    SCOPE,
    (
        FieldExtraction("EventID", "EventID"),
        FieldExtraction("EventData.SubjectUserName", "SubjectUserName"),
        FieldExtraction("Computer", "Computer"),
    ),
    'EventID = "4648"',
)

MANY_FAILED_LOGONS = FAILED_LOGON + """
---
title: Many failed logons for one user
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
    type: event_count
    rules: failed_logon
    group-by: TargetUserName
    timespan: 5m
    condition: {gte: 8}
"""

LOGON_BURST = FAILED_LOGON + "---" + EXPLICIT_LOGON + """
---
title: Burst of logon attempts for one user on one host
id: 1b6f3a52-0c9d-4e8b-a7f1-3d2c4b5a6e70
correlation:
    type: event_count
    rules: [failed_logon, explicit_logon]
    aliases:
        user:
            failed_logon: TargetUserName
            explicit_logon: SubjectUserName
    group-by: [user, Computer]
    timespan: 5m
    condition: {gte: 8}
"""


def failed_logon(ms: int, user: str = "bob") -> dict:
    return event(ms, {"EventID": "4625", "Computer": "ws1", "EventData": {"TargetUserName": user}})


def explicit_logon(ms: int, user: str = "bob") -> dict:
    return event(ms, {"EventID": "4648", "Computer": "ws1", "EventData": {"SubjectUserName": user}})


def test_one_base_rule_renders_its_search_then_the_windowed_count():
    query = render_correlation(
        correlation(MANY_FAILED_LOGONS), [("failed_logon", FAILED_LOGON_SEARCH)]
    )

    assert query == """\
_sourceCategory=windows/security
| json field=_raw "EventID", "EventData.TargetUserName", "Computer" as EventID, TargetUserName, Computer nodrop
| where EventID = "4625"
// windows: fixed 5m windows starting every 2m30s; a burst longer than 2m30s can be split and missed, and a burst can be listed once per phase
| "0,1" as window_phases
| parse regex field=window_phases "(?<window_phase>[0-1])" multi
| _messageTime - ((_messageTime - num(window_phase) * 150000) % 300000) as window_start_ms
| count as event_count, min(_messageTime) as first_seen_ms, max(_messageTime) as last_seen_ms by window_phase, window_start_ms, TargetUserName
| where event_count >= 8
| formatDate(toLong(window_start_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as window_start
| formatDate(toLong(first_seen_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as first_seen
| formatDate(toLong(last_seen_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as last_seen
| round((last_seen_ms - first_seen_ms) / max(event_count - 1, 1)) as avg_gap_ms
| sort by last_seen_ms
| fields window_start, first_seen, last_seen, TargetUserName, event_count, avg_gap_ms"""


def test_eight_failed_logons_in_the_window_alert_with_first_last_seen_and_gap():
    query = render_correlation(
        correlation(MANY_FAILED_LOGONS), [("failed_logon", FAILED_LOGON_SEARCH)]
    )
    events = [failed_logon(EDGE + 10 * SECOND * i) for i in range(8)]

    rows = run(query, events)

    seen = {
        "first_seen": "2023-11-14T22:00:00.000Z",
        "last_seen": "2023-11-14T22:01:10.000Z",
        "targetusername": "bob",
        "event_count": 8,
        "avg_gap_ms": 10_000,
    }
    assert rows == [
        {"window_start": "2023-11-14T22:00:00.000Z", **seen},
        {"window_start": "2023-11-14T21:57:30.000Z", **seen},
    ]


def test_seven_failed_logons_in_the_window_do_not_alert():
    query = render_correlation(
        correlation(MANY_FAILED_LOGONS), [("failed_logon", FAILED_LOGON_SEARCH)]
    )
    events = [failed_logon(EDGE + 10 * SECOND * i) for i in range(7)]

    assert run(query, events) == []


def test_failed_logons_of_different_users_are_counted_apart():
    query = render_correlation(
        correlation(MANY_FAILED_LOGONS), [("failed_logon", FAILED_LOGON_SEARCH)]
    )
    events = [failed_logon(EDGE + SECOND * i, "bob" if i % 2 else "eve") for i in range(8)]

    assert run(query, events) == []


def test_events_the_base_rule_does_not_match_are_not_counted():
    query = render_correlation(
        correlation(MANY_FAILED_LOGONS), [("failed_logon", FAILED_LOGON_SEARCH)]
    )
    events = [failed_logon(EDGE + SECOND * i) for i in range(7)]
    successful = {"EventID": "4624", "EventData": {"TargetUserName": "bob"}}
    events.append(event(EDGE + 8 * SECOND, successful))

    assert run(query, events) == []


def test_two_base_rules_are_tagged_and_aliases_pick_each_rules_field():
    query = render_correlation(
        correlation(LOGON_BURST),
        [("failed_logon", FAILED_LOGON_SEARCH), ("explicit_logon", EXPLICIT_LOGON_SEARCH)],
    )

    assert query == """\
_sourceCategory=windows/security
| json field=_raw "EventID", "EventData.TargetUserName", "Computer", "EventData.SubjectUserName" as EventID, TargetUserName, Computer, SubjectUserName nodrop
| if(EventID = "4625", 1, 0) as match_failed_logon
| if(EventID = "4648", 1, 0) as match_explicit_logon
| where match_failed_logon = 1 or match_explicit_logon = 1
| if(match_failed_logon = 1, TargetUserName, SubjectUserName) as user
// windows: fixed 5m windows starting every 2m30s; a burst longer than 2m30s can be split and missed, and a burst can be listed once per phase
| "0,1" as window_phases
| parse regex field=window_phases "(?<window_phase>[0-1])" multi
| _messageTime - ((_messageTime - num(window_phase) * 150000) % 300000) as window_start_ms
| count as event_count, min(_messageTime) as first_seen_ms, max(_messageTime) as last_seen_ms by window_phase, window_start_ms, user, Computer
| where event_count >= 8
| formatDate(toLong(window_start_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as window_start
| formatDate(toLong(first_seen_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as first_seen
| formatDate(toLong(last_seen_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as last_seen
| round((last_seen_ms - first_seen_ms) / max(event_count - 1, 1)) as avg_gap_ms
| sort by last_seen_ms
| fields window_start, first_seen, last_seen, user, Computer, event_count, avg_gap_ms"""


def test_events_of_both_base_rules_for_one_aliased_user_add_up():
    query = render_correlation(
        correlation(LOGON_BURST),
        [("failed_logon", FAILED_LOGON_SEARCH), ("explicit_logon", EXPLICIT_LOGON_SEARCH)],
    )
    events = [failed_logon(EDGE + SECOND * i) for i in range(4)]
    events += [explicit_logon(EDGE + 10 * SECOND + SECOND * i) for i in range(4)]

    rows = run(query, events)

    assert [(r["user"], r["computer"], r["event_count"]) for r in rows] == [
        ("bob", "ws1", 8),
        ("bob", "ws1", 8),
    ]


def test_aliased_users_that_differ_are_counted_apart():
    query = render_correlation(
        correlation(LOGON_BURST),
        [("failed_logon", FAILED_LOGON_SEARCH), ("explicit_logon", EXPLICIT_LOGON_SEARCH)],
    )
    events = [failed_logon(EDGE + SECOND * i, "bob") for i in range(4)]
    events += [explicit_logon(EDGE + 10 * SECOND + SECOND * i, "eve") for i in range(4)]

    assert run(query, events) == []


ALIAS_BY_ID = FAILED_LOGON + """
---
title: Many failed logons, rule referenced by id
correlation:
    type: event_count
    rules: 5638f7c0-ac70-491d-8465-2a65075e0d86
    aliases:
        user:
            5638f7c0-ac70-491d-8465-2a65075e0d86: TargetUserName
    group-by: user
    timespan: 5m
    condition: {gte: 8}
"""


def test_an_alias_is_kept_when_the_single_rule_is_referenced_by_id():
    rule = correlation(ALIAS_BY_ID)
    reference = "5638f7c0-ac70-491d-8465-2a65075e0d86"

    query = render_correlation(rule, [(reference, FAILED_LOGON_SEARCH)])
    rows = run(query, [failed_logon(EDGE + SECOND * i) for i in range(8)])

    assert "| where EventID = \"4625\"\n| TargetUserName as user\n" in query
    assert "by window_phase, window_start_ms, user\n" in query
    assert rows[0]["user"] == "bob"


def test_an_alias_keyed_by_rule_name_applies_to_the_rule_referenced_by_id():
    rule = correlation(ALIAS_BY_ID.replace(
        "            5638f7c0-ac70-491d-8465-2a65075e0d86: TargetUserName",
        "            failed_logon: TargetUserName",
    ))
    reference = "5638f7c0-ac70-491d-8465-2a65075e0d86"

    query = render_correlation(rule, [(reference, FAILED_LOGON_SEARCH)])

    assert "| TargetUserName as user\n" in query


@pytest.mark.parametrize(
    ("condition", "where"),
    [
        ("gt: 7", "event_count > 7"),
        ("gte: 8", "event_count >= 8"),
        ("lt: 3", "event_count < 3"),
        ("lte: 2", "event_count <= 2"),
        ("eq: 8", "event_count = 8"),
        ("neq: 8", "event_count != 8"),
    ],
)
def test_each_condition_operator_becomes_its_comparison(condition, where):
    rule = correlation(MANY_FAILED_LOGONS.replace("{gte: 8}", "{" + condition + "}"))

    query = render_correlation(rule, [("failed_logon", FAILED_LOGON_SEARCH)])

    assert f"\n| where {where}\n" in query


def test_an_equal_count_alerts_on_exactly_that_many_events():
    rule = correlation(MANY_FAILED_LOGONS.replace("{gte: 8}", "{eq: 3}"))
    query = render_correlation(rule, [("failed_logon", FAILED_LOGON_SEARCH)])

    three = run(query, [failed_logon(EDGE + SECOND * i) for i in range(3)])
    four = run(query, [failed_logon(EDGE + SECOND * i) for i in range(4)])

    assert [r["event_count"] for r in three] == [3, 3]
    assert four == []


def test_generate_does_not_change_the_correlation_query():
    plain = correlation(MANY_FAILED_LOGONS)
    generating = correlation(
        MANY_FAILED_LOGONS.replace("    timespan:", "    generate: true\n    timespan:")
    )

    assert generating.generate is True
    assert render_correlation(generating, [("failed_logon", FAILED_LOGON_SEARCH)]) == (
        render_correlation(plain, [("failed_logon", FAILED_LOGON_SEARCH)])
    )
