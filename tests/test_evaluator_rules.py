"""Rule loading: the processing pipeline, the EventID index, skipped rules, and errors that
name the file, the rule and the cause while the other rules still load."""
from pathlib import Path
from typing import Any

from tests.evaluator import Event, EventSource, Evaluator, load_rules
from tests.evaluator.testing import compile_text, rule_yaml, run

POWERSHELL = rule_yaml("""
    selection:
        Image|endswith: '\\powershell.exe'
    condition: selection
""", logsource="product: windows\ncategory: process_creation", title="PowerShell")


SYSMON = "Microsoft-Windows-Sysmon/Operational"


def event(**fields: Any) -> Event:
    return Event(fields, EventSource("<test>", 1))


def test_the_sysmon_pipeline_turns_the_category_into_an_event_id() -> None:
    image = {"Image": "C:\\x\\powershell.exe"}
    assert [len(run(POWERSHELL, [dict(image, EventID=eid)], pipelines=("sysmon",)))
            for eid in (1, "1", 3)] == [1, 1, 0]
    assert run(POWERSHELL, [image], pipelines=("sysmon",)) == []


def test_the_default_pipelines_also_require_the_sysmon_channel() -> None:
    image = {"Image": "C:\\x\\powershell.exe", "EventID": 1}
    channels = [SYSMON, SYSMON.upper(), "Security", None]
    found = [len(run(POWERSHELL, [dict(image, Channel=c) if c else image])) for c in channels]
    assert found == [1, 1, 0, 0]


def test_the_pipeline_is_a_parameter() -> None:
    assert len(run(POWERSHELL, [{"Image": "C:\\x\\powershell.exe"}], pipelines=())) == 1


def test_rules_are_only_tried_on_events_whose_event_id_they_accept() -> None:
    rules = compile_text(POWERSHELL + "---\n" + rule_yaml("""
        selection:
            DestinationPort: 4443
        condition: selection
    """, logsource="product: windows\ncategory: network_connection", title="Port"))
    index = Evaluator(rules).index
    titles = [[d.info.title for d in index.candidates(event(EventID=eid, Channel=SYSMON))]
              for eid in (1, 3, 7)]
    assert titles == [["PowerShell"], ["Port"], []]
    assert index.candidates(event(EventID=1, Channel="Security")) == ()


def test_rules_without_an_event_id_constraint_are_tried_on_every_event() -> None:
    rules = compile_text(rule_yaml("""
        keywords:
            - 'sekurlsa::'
        condition: keywords
    """, logsource="product: windows\nservice: sysmon"))
    index = Evaluator(rules).index
    found = [len(index.candidates(event(EventID=eid, Channel=SYSMON))) for eid in (1, 3, None)]
    assert found == [1, 1, 1]


def test_rules_for_other_products_are_skipped_with_their_reason() -> None:
    rules = compile_text(rule_yaml("""
        selection:
            Image|endswith: '/bash'
        condition: selection
    """, logsource="product: linux\ncategory: process_creation", title="Bash"))
    assert rules.detections == ()
    assert [(s.info.title, s.reason) for s in rules.skipped] == [
        ("Bash", "log source product 'linux' is not evaluated")]


def test_a_broken_rule_is_reported_and_the_others_still_load(tmp_path: Path) -> None:
    (tmp_path / "good.yml").write_text(POWERSHELL)
    (tmp_path / "bad_modifier.yml").write_text(rule_yaml("""
        selection:
            Image|endswithh: 'x'
        condition: selection
    """, title="Typo") + "---\n" + POWERSHELL.replace("PowerShell", "PowerShell again"))
    (tmp_path / "not_yaml.yml").write_text("title: [unclosed\n")
    rules = load_rules(tmp_path)
    assert sorted(d.info.title for d in rules.detections) == ["PowerShell", "PowerShell again"]
    messages = sorted(str(e) for e in rules.errors)
    assert len(messages) == 2
    assert messages[0].startswith(f"{tmp_path / 'bad_modifier.yml'}: rule 'Typo': ")
    assert "Unknown modifier" in messages[0]
    assert messages[1].startswith(f"{tmp_path / 'not_yaml.yml'}: cannot be read as YAML")


def test_a_correlation_of_a_missing_rule_is_reported(tmp_path: Path) -> None:
    (tmp_path / "corr.yml").write_text("""
title: Orphan
correlation:
    type: event_count
    rules: [no_such_rule]
    group-by: [Computer]
    timespan: 1m
    condition: {gte: 2}
""")
    rules = load_rules(tmp_path)
    (error,) = rules.errors
    assert (error.path, error.rule) == (str(tmp_path / "corr.yml"), "Orphan")
    assert "no_such_rule" in error.cause


def test_a_rule_that_cannot_be_evaluated_is_reported_with_its_cause(tmp_path: Path) -> None:
    (tmp_path / "placeholder.yml").write_text(rule_yaml("""
        selection:
            User|expand: '%Admins%'
        condition: selection
    """, title="Admins"))
    (error,) = load_rules(tmp_path).errors
    assert (error.rule, error.cause) == (
        "Admins", "placeholder %Admins% has no value; pass one in `placeholders`")
