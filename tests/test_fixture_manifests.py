"""The fixture manifests are consistent with the rules they name and with the event files.

These checks do not evaluate any rule: they make sure that every expectation names a rule that
can alert, in the shape its kind requires, and that the events carry the fields every rule and
correlation relies on.
"""
import re
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaLevel, SigmaRuleBase

from tests.evaluator import EventReader
from tests.evaluator.manifest import load_manifest
from tests.evaluator.timestamps import event_time

REPOSITORY = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_TESTS = sorted(path.name for path in FIXTURES.glob("seed_test*"))
BENIGN = "benign_baseline"
ALL_FIXTURES = sorted(path.name for path in FIXTURES.iterdir() if (path / "manifest.yml").is_file())
JSON_LINES_FIXTURES = [f for f in ALL_FIXTURES if (FIXTURES / f / "events.jsonl").is_file()]
EVTX_FIXTURES = [f for f in ALL_FIXTURES if (FIXTURES / f / "events.evtx").is_file()]
UTC_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}")
SYSMON = "Microsoft-Windows-Sysmon/Operational"
POWERSHELL = "Microsoft-Windows-PowerShell/Operational"
CHANNELS = (SYSMON, POWERSHELL, "Security")


def manifest(fixture: str) -> dict:
    """The parsed manifest of one fixture."""
    return yaml.safe_load((FIXTURES / fixture / "manifest.yml").read_text(encoding="utf-8"))


def alerting_rules(fixture: str) -> dict[str, SigmaRuleBase]:
    """Rules of the manifest's rule folder that raise alerts, by id."""
    folder = REPOSITORY / manifest(fixture)["rules"]
    collection = SigmaCollection.load_ruleset([folder])
    feed_only = {
        id(reference.rule)
        for rule in collection.rules
        if isinstance(rule, SigmaCorrelationRule) and not rule.generate
        for reference in rule.rules or []
    }
    return {str(rule.id): rule for rule in collection.rules if id(rule) not in feed_only}


def events(fixture: str) -> list[dict]:
    """The fields of every event of one fixture, as the evaluator reads its events file."""
    path = load_manifest(FIXTURES / fixture / "manifest.yml").events
    return [event.fields for event in EventReader(path, strict=True)]


def test_the_four_seed_tests_and_a_benign_baseline_have_fixtures() -> None:
    assert len(SEED_TESTS) == 4
    assert BENIGN in ALL_FIXTURES


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_manifest_names_only_rules_that_can_alert(fixture: str) -> None:
    rules = alerting_rules(fixture)

    unknown = [rule_id for rule_id in manifest(fixture)["expect"] if rule_id not in rules]

    assert unknown == []


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_expectations_have_the_shape_of_their_rule_kind(fixture: str) -> None:
    rules = alerting_rules(fixture)

    for rule_id, expected in manifest(fixture)["expect"].items():
        rule = rules[rule_id]
        if isinstance(rule, SigmaCorrelationRule):
            assert list(expected) == ["groups"], rule.title
            for group in expected["groups"]:
                assert set(group) <= set(rule.group_by or []), rule.title
        else:
            assert list(expected) == ["alerts"], rule.title
            assert isinstance(expected["alerts"], int), rule.title


@pytest.mark.parametrize("fixture", SEED_TESTS)
def test_every_seed_test_is_expected_to_alert(fixture: str) -> None:
    expected = manifest(fixture)["expect"].values()

    alerting = [e for e in expected if e.get("alerts", 0) > 0 or e.get("groups")]

    assert alerting, f"{fixture} expects no alert from any rule"


def test_benign_baseline_expects_nothing_above_low() -> None:
    rules = alerting_rules(BENIGN)

    above_low = [
        rules[rule_id].title
        for rule_id in manifest(BENIGN)["expect"]
        if rules[rule_id].level not in (SigmaLevel.INFORMATIONAL, SigmaLevel.LOW)
    ]

    assert above_low == []


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_events_carry_the_fields_every_rule_relies_on(fixture: str) -> None:
    found = events(fixture)

    assert found
    for event in found:
        assert isinstance(event["EventID"], int)
        assert event["Computer"]
        assert event["Channel"] in CHANNELS
        assert event_time(event) is not None


@pytest.mark.parametrize("fixture", JSON_LINES_FIXTURES)
def test_json_lines_events_carry_sysmon_utc_time(fixture: str) -> None:
    for event in events(fixture):
        assert event["Channel"] in (SYSMON, POWERSHELL)
        assert UTC_TIME.fullmatch(event["UtcTime"]), event["UtcTime"]
        datetime.strptime(event["UtcTime"], "%Y-%m-%d %H:%M:%S.%f")


@pytest.mark.parametrize("fixture", EVTX_FIXTURES)
def test_evtx_events_keep_the_time_windows_recorded(fixture: str) -> None:
    for event in events(fixture):
        assert "UtcTime" not in event
        recorded = datetime.fromisoformat(event["TimeCreated_SystemTime"])
        assert event_time(event) == round(recorded.timestamp() * 1_000_000)


@pytest.mark.parametrize("fixture", JSON_LINES_FIXTURES)
def test_network_events_use_sysmon_value_formats(fixture: str) -> None:
    for event in events(fixture):
        if event["EventID"] == 3:
            assert event["Initiated"] in ("true", "false")
            assert event["DestinationPort"].isdigit()
            assert event["SourcePort"].isdigit()
