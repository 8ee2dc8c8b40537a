"""Field names in the query, the fields a caller must extract, and what is refused and why."""
import json

import pytest

from sigma.backends.sumo.correlation import correlation_fields
from sigma.backends.sumo.search import FieldExtraction, SumoSearch
from sigma.collection import SigmaCollection
from sigma.exceptions import (
    SigmaBackendError,
    SigmaCorrelationConditionError,
    SigmaCorrelationRuleError,
    SigmaFeatureNotSupportedByBackendError,
)

from .rendering import render_correlation
from .rules import EDGE, SECOND, correlation
from .sumo_simulator import event, run

BASES = """
title: Failed logon
id: 5638f7c0-ac70-491d-8465-2a65075e0d86
name: failed_logon
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4625}, condition: selection}
---
title: Logon with explicit credentials
name: explicit_logon
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4648}, condition: selection}
"""

SCOPE = "_sourceCategory=windows/security"


def burst(kind: str, body: str) -> str:
    return BASES + f"""
---
title: Logon burst
id: 1b6f3a52-0c9d-4e8b-a7f1-3d2c4b5a6e70
correlation:
    type: {kind}
{body}"""


def logon_search(event_id: str, *fields: str, scope: str = SCOPE) -> SumoSearch:
    extractions = (FieldExtraction("EventID", "EventID"),) + tuple(
        FieldExtraction(f"EventData.{f}", f) for f in fields
    )
    return SumoSearch(scope, extractions, f'EventID = "{event_id}"')


def test_a_group_by_field_that_is_no_plain_identifier_is_quoted():
    rule = correlation(burst("event_count", """\
    rules: failed_logon
    group-by: [src-ip]
    timespan: 5m
    condition: {gte: 2}
"""))
    search = SumoSearch(SCOPE, (FieldExtraction("EventData['src-ip']", '%"src-ip"'),), None)

    query = render_correlation(rule, [("failed_logon", search)])
    events = [event(EDGE + SECOND * i, {"EventData": {"src-ip": "10.1.1.1"}}) for i in range(2)]
    rows = run(query, events)

    assert "by window_phase, window_start_ms, %\"src-ip\"\n" in query
    assert query.endswith(
        '| fields window_start, first_seen, last_seen, %"src-ip", event_count, avg_gap_ms'
    )
    assert {r["src-ip"] for r in rows} == {"10.1.1.1"}


def test_a_quote_in_an_alias_name_is_escaped():
    rule = correlation(burst("event_count", """\
    rules: failed_logon
    aliases:
        'user "name"': {failed_logon: TargetUserName}
    group-by: ['user "name"']
    timespan: 5m
    condition: {gte: 2}
"""))

    query = render_correlation(rule, [("failed_logon", logon_search("4625", "TargetUserName"))])

    assert '| TargetUserName as %"user \\"name\\""\n' in query


def test_a_field_named_like_a_query_word_is_quoted():
    rule = correlation(burst("event_count", """\
    rules: failed_logon
    group-by: [by]
    timespan: 5m
    condition: {gte: 2}
"""))

    search = SumoSearch(SCOPE, (FieldExtraction("EventData.by", '%"by"'),), None)

    query = render_correlation(rule, [("failed_logon", search)])

    assert 'window_start_ms, %"by"\n' in query


@pytest.mark.parametrize("name", ["user\\name", "user\nname"])
def test_a_field_name_with_a_backslash_or_control_character_is_refused(name):
    rule = correlation(burst("event_count", f"""\
    rules: failed_logon
    group-by: [{json.dumps(name)}]
    timespan: 5m
    condition: {{gte: 2}}
"""))

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="'Logon burst'.*") as raised:
        render_correlation(rule, [("failed_logon", logon_search("4625", name))])

    assert "backslash or control character" in str(raised.value)


def test_correlation_fields_lists_per_rule_the_fields_to_extract_with_aliases_resolved():
    rule = correlation(burst("value_count", """\
    rules: [failed_logon, explicit_logon]
    aliases:
        user: {failed_logon: TargetUserName, explicit_logon: SubjectUserName}
    group-by: [user, _sourceHost]
    timespan: 5m
    condition: {field: IpAddress, gte: 3}
"""))

    assert correlation_fields(rule) == {
        "failed_logon": ("TargetUserName", "IpAddress"),
        "explicit_logon": ("SubjectUserName", "IpAddress"),
    }


def test_a_search_that_does_not_extract_a_group_by_field_is_a_caller_error():
    rule = correlation(burst("event_count", """\
    rules: failed_logon
    group-by: TargetUserName
    timespan: 5m
    condition: {gte: 2}
"""))

    with pytest.raises(SigmaBackendError, match="does not extract the field 'TargetUserName'"):
        render_correlation(rule, [("failed_logon", logon_search("4625"))])


def test_a_metadata_field_needs_no_extraction():
    rule = correlation(burst("event_count", """\
    rules: failed_logon
    group-by: _sourceHost
    timespan: 5m
    condition: {gte: 2}
"""))

    query = render_correlation(rule, [("failed_logon", logon_search("4625"))])

    assert "by window_phase, window_start_ms, _sourceHost\n" in query


def test_a_missing_search_names_the_rule_reference():
    rule = correlation(burst("event_count", """\
    rules: [failed_logon, explicit_logon]
    timespan: 5m
    condition: {gte: 2}
"""))

    with pytest.raises(SigmaBackendError, match="no search given for rule 'explicit_logon'"):
        render_correlation(rule, [("failed_logon", logon_search("4625"))])


def test_base_rules_with_different_scopes_are_refused():
    rule = correlation(burst("event_count", """\
    rules: [failed_logon, explicit_logon]
    timespan: 5m
    condition: {gte: 2}
"""))
    searches = [
        ("failed_logon", logon_search("4625")),
        ("explicit_logon", logon_search("4648", scope="_sourceCategory=dc/security")),
    ]

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="different scopes"):
        render_correlation(rule, searches)


def test_one_field_name_read_from_two_json_paths_is_refused():
    rule = correlation(burst("event_count", """\
    rules: [failed_logon, explicit_logon]
    timespan: 5m
    condition: {gte: 2}
"""))
    flat = SumoSearch(SCOPE, (FieldExtraction("User", "User"),), None)
    nested = SumoSearch(SCOPE, (FieldExtraction("EventData.User", "User"),), None)

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="JSON path 'User'"):
        render_correlation(rule, [("failed_logon", flat), ("explicit_logon", nested)])


def test_a_base_rule_without_condition_tags_every_event_in_scope():
    rule = correlation(burst("temporal", """\
    rules: [failed_logon, explicit_logon]
    timespan: 5m
"""))
    everything = SumoSearch(SCOPE, (), None)

    searches = [("failed_logon", everything), ("explicit_logon", logon_search("4648"))]

    query = render_correlation(rule, searches)

    assert query.startswith(
        '_sourceCategory=windows/security\n| json field=_raw "EventID" as EventID nodrop\n'
        '| 1 as match_failed_logon\n| if(EventID = "4648", 1, 0) as match_explicit_logon\n//'
    )


def test_a_field_named_like_a_computed_column_is_refused():
    rule = correlation(burst("event_count", """\
    rules: failed_logon
    group-by: event_count
    timespan: 5m
    condition: {gte: 2}
"""))

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="'event_count'"):
        render_correlation(rule, [("failed_logon", logon_search("4625", "event_count"))])


def test_an_alias_without_a_field_for_one_rule_is_a_rule_error():
    rule = correlation(burst("event_count", """\
    rules: [failed_logon, explicit_logon]
    aliases:
        user: {failed_logon: TargetUserName}
    group-by: user
    timespan: 5m
    condition: {gte: 2}
"""))
    searches = [
        ("failed_logon", logon_search("4625", "TargetUserName")),
        ("explicit_logon", logon_search("4648", "SubjectUserName")),
    ]

    with pytest.raises(SigmaCorrelationRuleError, match="no field for rule 'explicit_logon'"):
        render_correlation(rule, searches)


def test_a_value_count_over_several_fields_is_refused():
    rule = correlation(burst("value_count", """\
    rules: failed_logon
    timespan: 5m
    condition: {field: [IpAddress, TargetUserName], gte: 3}
"""))

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="several fields"):
        search = logon_search("4625", "IpAddress", "TargetUserName")
        render_correlation(rule, [("failed_logon", search)])


def test_a_percentile_correlation_without_percentile_is_a_rule_error():
    rule = correlation(burst("value_percentile", """\
    rules: failed_logon
    timespan: 5m
    condition: {field: Bytes, gte: 3}
"""))

    with pytest.raises(SigmaCorrelationRuleError, match="percentile from 1 to 100, not None"):
        render_correlation(rule, [("failed_logon", logon_search("4625", "Bytes"))])


def test_a_correlation_of_a_correlation_is_refused():
    text = burst("event_count", """\
    rules: failed_logon
    timespan: 5m
    condition: {gte: 2}
""") + """
---
title: Repeated bursts
correlation:
    type: event_count
    rules: 1b6f3a52-0c9d-4e8b-a7f1-3d2c4b5a6e70
    timespan: 1h
    condition: {gte: 2}
"""
    collection = SigmaCollection.from_yaml(text)
    outer = next(r for r in collection.rules if r.title == "Repeated bursts")

    searches = [("1b6f3a52-0c9d-4e8b-a7f1-3d2c4b5a6e70", logon_search("4625"))]

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="correlation of the corr"):
        render_correlation(outer, searches)


def test_a_range_condition_is_rejected_by_pysigma_before_it_reaches_the_query():
    text = burst("event_count", """\
    rules: failed_logon
    timespan: 5m
    condition: {gte: 2, lte: 10}
""")

    with pytest.raises(SigmaCorrelationConditionError, match="exactly one condition item"):
        SigmaCollection.from_yaml(text)
