"""temporal and temporal_ordered: which base rules a window saw, and in what order."""
import pytest

from sigma.backends.sumo.search import FieldExtraction, SumoSearch
from sigma.exceptions import SigmaFeatureNotSupportedByBackendError

from .rendering import render_correlation
from .rules import EDGE, SECOND, correlation
from .sumo_simulator import event, run

BASES = """
title: Recon command
name: recon
logsource: {product: windows, category: process_creation}
detection: {selection: {Image|endswith: '\\whoami.exe'}, condition: selection}
---
title: Archive tool
name: archive
logsource: {product: windows, category: process_creation}
detection: {selection: {Image|endswith: '\\7z.exe'}, condition: selection}
---
title: Upload tool
name: upload
logsource: {product: windows, category: process_creation}
detection: {selection: {Image|endswith: '\\curl.exe'}, condition: selection}
"""

EXTRACTIONS = (
    FieldExtraction("EventID", "EventID"),
    FieldExtraction("EventData.Image", "Image"),
    FieldExtraction("Computer", "Computer"),
)
SCOPE = "_sourceCategory=windows/sysmon"


def search(tool: str) -> SumoSearch:
    condition = f'EventID = "1" and toLowerCase(Image) matches "*\\\\{tool}"'
    return SumoSearch(SCOPE, EXTRACTIONS, condition)


SEARCHES = [
    ("recon", search("whoami.exe")),
    ("archive", search("7z.exe")),
    ("upload", search("curl.exe")),
]


def rule(kind: str, rules: str, extra: str = "") -> str:
    return BASES + f"""
---
title: Staging on one host
correlation:
    type: {kind}
    rules: {rules}
    group-by: Computer
    timespan: 10m
{extra}"""


def process(second: int, tool: str, host: str = "ws1") -> dict:
    image = f"C:\\Windows\\System32\\{tool}"
    message = {"EventID": "1", "Computer": host, "EventData": {"Image": image}}
    return event(EDGE + SECOND * second, message)


def hosts(query: str, events: list[dict]) -> set[str]:
    return {r["computer"] for r in run(query, events)}


def test_temporal_tags_each_rule_and_counts_the_rules_a_window_saw():
    query = render_correlation(correlation(rule("temporal", "[recon, archive]")), SEARCHES[:2])

    assert query == """\
_sourceCategory=windows/sysmon
| json field=_raw "EventID", "EventData.Image", "Computer" as EventID, Image, Computer nodrop
| if(EventID = "1" and toLowerCase(Image) matches "*\\\\whoami.exe", 1, 0) as match_recon
| if(EventID = "1" and toLowerCase(Image) matches "*\\\\7z.exe", 1, 0) as match_archive
| where match_recon = 1 or match_archive = 1
// windows: fixed 10m windows starting every 5m; a burst longer than 5m can be split and missed, and a burst can be listed once per phase
| "0,1" as window_phases
| parse regex field=window_phases "(?<window_phase>[0-1])" multi
| _messageTime - ((_messageTime - num(window_phase) * 300000) % 600000) as window_start_ms
| count as event_count, min(_messageTime) as first_seen_ms, max(_messageTime) as last_seen_ms, max(match_recon) as seen_recon, max(match_archive) as seen_archive by window_phase, window_start_ms, Computer
| seen_recon + seen_archive as rules_matched
| where rules_matched >= 2
| formatDate(toLong(window_start_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as window_start
| formatDate(toLong(first_seen_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as first_seen
| formatDate(toLong(last_seen_ms), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC") as last_seen
| sort by last_seen_ms
| fields window_start, first_seen, last_seen, Computer, event_count, rules_matched, seen_recon, seen_archive"""


def test_both_rules_on_one_host_in_the_window_alert_in_any_order():
    query = render_correlation(correlation(rule("temporal", "[recon, archive]")), SEARCHES[:2])

    assert hosts(query, [process(60, "7z.exe"), process(10, "whoami.exe")]) == {"ws1"}


def test_one_rule_alone_does_not_alert_however_often_it_fires():
    query = render_correlation(correlation(rule("temporal", "[recon, archive]")), SEARCHES[:2])

    assert hosts(query, [process(i, "whoami.exe") for i in range(10)]) == set()


def test_the_rules_on_different_hosts_do_not_alert():
    query = render_correlation(correlation(rule("temporal", "[recon, archive]")), SEARCHES[:2])

    assert hosts(query, [process(10, "whoami.exe", "ws1"), process(20, "7z.exe", "ws2")]) == set()


def test_a_temporal_condition_can_ask_for_some_of_the_rules():
    text = rule("temporal", "[recon, archive, upload]", "    condition: {gte: 2}")
    query = render_correlation(correlation(text), SEARCHES)

    assert "\n| where rules_matched >= 2\n" in query
    assert hosts(query, [process(10, "whoami.exe"), process(20, "curl.exe")]) == {"ws1"}
    assert hosts(query, [process(10, "whoami.exe"), process(20, "whoami.exe")]) == set()


def test_an_and_not_condition_alerts_on_a_window_without_the_negated_rule():
    text = rule("temporal", "[recon, archive]", "    condition: recon and not archive")
    query = render_correlation(correlation(text), SEARCHES[:2])

    assert "\n| where seen_recon = 1 and !(seen_archive = 1)\n" in query
    assert hosts(query, [process(10, "whoami.exe")]) == {"ws1"}
    assert hosts(query, [process(10, "whoami.exe"), process(20, "7z.exe")]) == set()


def test_an_or_condition_nested_in_and_keeps_its_parentheses():
    text = BASES + """
---
title: Staging on one host
correlation:
    type: temporal
    group-by: Computer
    timespan: 10m
    condition: recon and (archive or upload)
"""
    query = render_correlation(correlation(text), SEARCHES)

    assert "\n| where seen_recon = 1 and (seen_archive = 1 or seen_upload = 1)\n" in query
    assert hosts(query, [process(10, "whoami.exe"), process(20, "curl.exe")]) == {"ws1"}
    assert hosts(query, [process(10, "7z.exe"), process(20, "curl.exe")]) == set()


def test_temporal_ordered_checks_first_occurrences_against_last_ones():
    query = render_correlation(
        correlation(rule("temporal_ordered", "[recon, archive]")), SEARCHES[:2]
    )

    assert (
        "| if(match_recon = 1, _messageTime, _messageTime + 600000) as t_first_recon\n"
        "| if(match_recon = 1, _messageTime, _messageTime - 600000) as t_last_recon\n"
        "| if(match_archive = 1, _messageTime, _messageTime + 600000) as t_first_archive\n"
        "| if(match_archive = 1, _messageTime, _messageTime - 600000) as t_last_archive\n"
        "| count as event_count, min(_messageTime) as first_seen_ms, "
        "max(_messageTime) as last_seen_ms, max(match_recon) as seen_recon, "
        "max(match_archive) as seen_archive, min(t_first_recon) as first_recon_ms, "
        "max(t_last_recon) as last_recon_ms, min(t_first_archive) as first_archive_ms, "
        "max(t_last_archive) as last_archive_ms by window_phase, window_start_ms, Computer\n"
        "| seen_recon + seen_archive as rules_matched\n"
        "| where rules_matched = 2 and first_recon_ms <= last_archive_ms\n"
    ) in query


def test_rules_in_their_listed_order_alert():
    query = render_correlation(
        correlation(rule("temporal_ordered", "[recon, archive]")), SEARCHES[:2]
    )

    assert hosts(query, [process(10, "whoami.exe"), process(20, "7z.exe")]) == {"ws1"}


def test_rules_in_the_reverse_order_do_not_alert():
    query = render_correlation(
        correlation(rule("temporal_ordered", "[recon, archive]")), SEARCHES[:2]
    )

    assert hosts(query, [process(10, "7z.exe"), process(20, "whoami.exe")]) == set()


def test_a_later_second_occurrence_still_completes_the_order():
    query = render_correlation(
        correlation(rule("temporal_ordered", "[recon, archive]")), SEARCHES[:2]
    )
    events = [process(10, "7z.exe"), process(20, "whoami.exe"), process(30, "7z.exe")]

    assert hosts(query, events) == {"ws1"}


def test_three_ordered_rules_try_each_split_of_first_and_last_occurrences():
    query = render_correlation(
        correlation(rule("temporal_ordered", "[recon, archive, upload]")), SEARCHES
    )

    assert (
        "\n| where rules_matched = 3 and ((first_recon_ms <= last_archive_ms and "
        "last_archive_ms <= last_upload_ms) or (first_recon_ms <= first_archive_ms and "
        "first_archive_ms <= last_upload_ms))\n"
    ) in query
    in_order = [process(10, "whoami.exe"), process(20, "7z.exe"), process(30, "curl.exe")]
    reversed_order = [process(10, "curl.exe"), process(20, "7z.exe"), process(30, "whoami.exe")]
    assert hosts(query, in_order) == {"ws1"}
    assert hosts(query, reversed_order) == set()


def test_three_ordered_rules_miss_a_middle_rule_seen_only_between_other_occurrences():
    query = render_correlation(
        correlation(rule("temporal_ordered", "[recon, archive, upload]")), SEARCHES
    )
    # recon 10, archive 20, upload 30 is in order; but archive also fires before the first
    # recon and after the last upload, so neither first nor last archive sits between them.
    events = [
        process(5, "7z.exe"),
        process(10, "whoami.exe"),
        process(20, "7z.exe"),
        process(30, "curl.exe"),
        process(40, "7z.exe"),
    ]

    assert hosts(query, events) == set()


def test_an_ordered_correlation_over_some_of_its_rules_is_refused():
    text = rule("temporal_ordered", "[recon, archive, upload]", "    condition: {gte: 2}")

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="does not ask for all 3"):
        render_correlation(correlation(text), SEARCHES)


def test_an_ordered_and_or_not_condition_is_refused():
    text = rule("temporal_ordered", "[recon, archive]", "    condition: recon and not archive")

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="Staging on one host"):
        render_correlation(correlation(text), SEARCHES[:2])
