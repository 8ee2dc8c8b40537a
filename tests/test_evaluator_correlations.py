"""Correlation semantics: the eight types, sliding windows, group-by, aliases, chaining, and
what an alert reports. Times are seconds after 2024-05-01 12:00:00 UTC."""
from typing import Any

import pytest

from tests.evaluator import Alert, EventError
from tests.evaluator.testing import run
from tests.evaluator.timestamps import parse_timestamp

T0 = parse_timestamp("2024-05-01 12:00:00.000")


def at(seconds: float, **fields: Any) -> dict[str, Any]:
    whole, fraction = divmod(round(seconds * 1000), 1000)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    return {"UtcTime": f"2024-05-01 {12 + hours:02d}:{minutes:02d}:{secs:02d}.{fraction:03d}",
            **fields}


def seconds(instant: int | None) -> float:
    return (instant - T0) / 1_000_000


CONNECTION = """
title: Outbound connection
name: outbound
logsource: {product: windows}
detection:
    selection:
        Initiated: 'true'
    condition: selection
"""


def correlation(body: str) -> str:
    return CONNECTION + "---\ntitle: Correlated\nid: 5b1f0a3e-0c6e-4d0e-9f57-9a0e8f0a0001\n" + body


def alert_summary(alerts: list[Alert]) -> list[tuple]:
    return [(a.group_dict(), seconds(a.first), seconds(a.last), len(a.events)) for a in alerts]


EVENT_COUNT = correlation("""
correlation:
    type: event_count
    rules: [outbound]
    group-by: [Computer]
    timespan: 1m
    condition: {gte: 3}
""")


def test_event_count_alerts_for_each_event_closing_a_window_over_the_threshold() -> None:
    events = [at(t, Computer="WS01", Initiated="true") for t in (0, 20, 50, 55, 200)]
    assert alert_summary(run(EVENT_COUNT, events)) == [
        ({"Computer": "WS01"}, 0.0, 50.0, 3),
        ({"Computer": "WS01"}, 0.0, 55.0, 4),
    ]


def test_windows_slide_across_clock_boundaries_and_include_both_ends() -> None:
    crossing = [at(t, Computer="WS01", Initiated="true") for t in (50, 70, 90)]
    exactly_one_span = [at(t, Computer="WS02", Initiated="true") for t in (1000, 1030, 1060)]
    assert alert_summary(run(EVENT_COUNT, crossing + exactly_one_span)) == [
        ({"Computer": "WS01"}, 50.0, 90.0, 3),
        ({"Computer": "WS02"}, 1000.0, 1060.0, 3),
    ]


def test_groups_are_counted_separately_and_case_insensitively() -> None:
    events = [at(0, Computer="WS01", Initiated="true"), at(1, Computer="ws01", Initiated="true"),
              at(2, Computer="WS02", Initiated="true"), at(3, Computer="WS01", Initiated="true")]
    assert alert_summary(run(EVENT_COUNT, events)) == [({"Computer": "WS01"}, 0.0, 3.0, 3)]


def test_events_without_a_group_by_value_belong_to_no_group() -> None:
    events = [at(t, Initiated="true") for t in (0, 1, 2)]
    assert run(EVENT_COUNT, events) == []


def test_value_count_counts_distinct_values_case_insensitively() -> None:
    rules = correlation("""
correlation:
    type: value_count
    rules: [outbound]
    group-by: [Image]
    timespan: 5m
    condition: {field: DestinationHostname, gte: 3}
""")
    events = [at(0, Image="a.exe", DestinationHostname="one.example", Initiated="true"),
              at(10, Image="a.exe", DestinationHostname="ONE.example", Initiated="true"),
              at(20, Image="a.exe", DestinationHostname="two.example", Initiated="true"),
              at(30, Image="a.exe", DestinationHostname="three.example", Initiated="true")]
    alerts = run(rules, events)
    assert alert_summary(alerts) == [({"Image": "a.exe"}, 0.0, 30.0, 4)]
    assert alerts[0].metric == 3


def test_temporal_needs_every_rule_within_the_timespan_in_any_order() -> None:
    rules = """
title: Encoded PowerShell
name: encoded
logsource: {product: windows}
detection:
    selection:
        CommandLine|contains: ' -enc '
    condition: selection
---
title: Connection on 4443
name: fake_tls
logsource: {product: windows}
detection:
    selection:
        DestinationPort: 4443
    condition: selection
---
title: Encoded PowerShell then fake TLS
correlation:
    type: temporal
    rules: [encoded, fake_tls]
    group-by: [Computer]
    timespan: 2m
"""
    events = [at(0, Computer="WS01", DestinationPort=4443),
              at(30, Computer="WS01", CommandLine="powershell -enc AAA"),
              at(0, Computer="WS02", CommandLine="powershell -enc AAA"),
              at(500, Computer="WS02", DestinationPort=4443),
              at(0, Computer="WS03", CommandLine="powershell -enc AAA")]
    assert alert_summary(run(rules, events)) == [({"Computer": "WS01"}, 0.0, 30.0, 2)]


ORDERED = """
title: Download
name: download
logsource: {product: windows}
detection:
    selection:
        CommandLine|contains: 'urlcache'
    condition: selection
---
title: Execution
name: execution
logsource: {product: windows}
detection:
    selection:
        Image|endswith: '\\p.exe'
    condition: selection
---
title: Download then execution
correlation:
    type: temporal_ordered
    rules: [download, execution]
    group-by: [Computer]
    timespan: 5m
"""


def test_temporal_ordered_needs_the_rules_in_their_listed_order() -> None:
    in_order = [at(0, Computer="WS01", CommandLine="certutil -urlcache http://x"),
                at(60, Computer="WS01", Image="C:\\Users\\Public\\p.exe")]
    reversed_order = [at(0, Computer="WS02", Image="C:\\Users\\Public\\p.exe"),
                      at(60, Computer="WS02", CommandLine="certutil -urlcache http://x")]
    assert alert_summary(run(ORDERED, in_order + reversed_order)) == [
        ({"Computer": "WS01"}, 0.0, 60.0, 2)]


def test_temporal_ordered_reports_the_events_of_the_ordered_chain() -> None:
    events = [at(0, Computer="WS01", Image="C:\\Users\\Public\\p.exe"),
              at(10, Computer="WS01", CommandLine="certutil -urlcache http://x"),
              at(20, Computer="WS01", Image="C:\\Users\\Public\\p.exe")]
    (alert,) = run(ORDERED, events)
    assert [e.source.line for e in alert.events] == [2, 3]
    assert (seconds(alert.first), seconds(alert.last)) == (10.0, 20.0)


def numeric(kind: str, extra: str = "") -> str:
    return correlation(f"""
correlation:
    type: {kind}
    rules: [outbound]
    group-by: [Computer]
    timespan: 10m
    condition: {{field: SentBytes, {extra}}}
""")


BYTES = [at(0, Computer="WS01", Initiated="true", SentBytes="100"),
         at(60, Computer="WS01", Initiated="true", SentBytes=900),
         at(120, Computer="WS01", Initiated="true", SentBytes="n/a"),
         at(180, Computer="WS01", Initiated="true", SentBytes=2000)]


def test_value_sum_adds_the_numeric_values_in_the_window_closed_by_a_valued_event() -> None:
    alerts = run(numeric("value_sum", "gte: 1000"), BYTES)
    assert [(seconds(a.last), a.metric, len(a.events)) for a in alerts] == [(60.0, 1000.0, 2),
                                                                          (180.0, 3000.0, 3)]


def test_value_avg_averages_the_numeric_values_in_the_window() -> None:
    alerts = run(numeric("value_avg", "gt: 400"), BYTES)
    assert [(seconds(a.last), a.metric) for a in alerts] == [(60.0, 500.0), (180.0, 1000.0)]


def test_value_median_is_the_middle_value() -> None:
    alerts = run(numeric("value_median", "gte: 900"), BYTES)
    assert [(seconds(a.last), a.metric) for a in alerts] == [(180.0, 900.0)]


def test_value_percentile_interpolates_between_closest_ranks() -> None:
    alerts = run(numeric("value_percentile", "percentile: 75, gte: 1400"), BYTES)
    assert [(seconds(a.last), a.metric) for a in alerts] == [(180.0, 1450.0)]


def test_aliases_group_different_fields_of_different_rules() -> None:
    rules = """
title: Inbound on 445
name: inbound_smb
logsource: {product: windows}
detection:
    selection:
        DestinationPort: 445
        Initiated: 'false'
    condition: selection
---
title: Outbound on 445
name: outbound_smb
logsource: {product: windows}
detection:
    selection:
        DestinationPort: 445
        Initiated: 'true'
    condition: selection
---
title: SMB relay
correlation:
    type: temporal
    rules: [inbound_smb, outbound_smb]
    group-by: [relay]
    timespan: 1m
    aliases:
        relay:
            inbound_smb: DestinationIp
            outbound_smb: SourceIp
"""
    events = [at(0, DestinationPort=445, Initiated="false", DestinationIp="10.0.0.5",
                 SourceIp="10.0.0.9"),
              at(5, DestinationPort=445, Initiated="true", SourceIp="10.0.0.5",
                 DestinationIp="10.0.0.7"),
              at(6, DestinationPort=445, Initiated="true", SourceIp="10.0.0.6",
                 DestinationIp="10.0.0.7")]
    assert alert_summary(run(rules, events)) == [({"relay": "10.0.0.5"}, 0.0, 5.0, 2)]


def test_referenced_rules_alert_on_their_own_only_with_generate() -> None:
    events = [at(t, Computer="WS01", Initiated="true") for t in (0, 1, 2)]
    titles = [a.rule.title for a in run(EVENT_COUNT, events)]
    generated = EVENT_COUNT.replace("correlation:\n", "correlation:\n    generate: true\n")
    assert titles == ["Correlated"]
    assert sorted(a.rule.title for a in run(generated, events)) == [
        "Correlated", "Outbound connection", "Outbound connection", "Outbound connection"]


def test_a_correlated_event_without_a_time_is_an_error_naming_its_line() -> None:
    events = [at(0, Computer="WS01", Initiated="true"), {"Computer": "WS01", "Initiated": "true"}]
    with pytest.raises(EventError, match=r"<inline>:2: .*no readable time"):
        run(EVENT_COUNT, events)


def test_correlations_chain_through_inner_alerts() -> None:
    rules = """
title: Failed logon
name: failed_logon
logsource: {product: windows}
detection:
    selection:
        EventID: 4625
    condition: selection
---
title: Successful logon
name: successful_logon
logsource: {product: windows}
detection:
    selection:
        EventID: 4624
    condition: selection
---
title: Many failed logons
name: many_failed
correlation:
    type: event_count
    rules: [failed_logon]
    group-by: [TargetUserName]
    timespan: 5m
    condition: {gte: 3}
---
title: Brute force then success
correlation:
    type: temporal_ordered
    rules: [many_failed, successful_logon]
    group-by: [TargetUserName]
    timespan: 10m
"""
    events = ([at(t, EventID=4625, TargetUserName="alice") for t in (0, 10, 20)]
              + [at(100, EventID=4624, TargetUserName="alice")]
              + [at(t, EventID=4625, TargetUserName="bob") for t in (0, 10)]
              + [at(100, EventID=4624, TargetUserName="bob")])
    alerts = run(rules, events)
    assert [(a.rule.title, a.group_dict(), seconds(a.last), len(a.events)) for a in alerts] == [
        ("Brute force then success", {"TargetUserName": "alice"}, 100.0, 4)]


def test_extended_temporal_condition_with_not_looks_for_absence_after_the_match() -> None:
    rules = """
title: Service stopped
name: stopped
logsource: {product: windows}
detection:
    selection:
        EventID: 7036
        State: stopped
    condition: selection
---
title: Service started
name: started
logsource: {product: windows}
detection:
    selection:
        EventID: 7036
        State: running
    condition: selection
---
title: Service stopped and not restarted
correlation:
    type: temporal
    rules: [stopped, started]
    group-by: [Computer]
    timespan: 5m
    condition: stopped and not started
"""
    events = [at(0, Computer="WS01", EventID=7036, State="stopped"),
              at(60, Computer="WS01", EventID=7036, State="running"),
              at(0, Computer="WS02", EventID=7036, State="stopped"),
              at(900, Computer="WS02", EventID=7036, State="running")]
    assert [(a.group_dict(), seconds(a.first)) for a in run(rules, events)] == [
        ({"Computer": "WS02"}, 0.0)]
