"""The replay command: alerts as a table or JSON Lines, errors on stderr with their cause."""
import json
from pathlib import Path

import pytest

from tests.evaluator.replay import main

FIXTURES = Path(__file__).parent / "fixtures"
RULES = Path(__file__).parent.parent / "sigma_rules"
PUBLIC_C2 = FIXTURES / "otrf_empire_mimikatz_c2_public" / "events.jsonl"
BEACONING = "Beaconing To Public Address From Non-Browser Process"
POWERSHELL_WEB = """
title: PowerShell Opening A Web Connection
logsource: {product: windows, category: network_connection}
detection:
    selection:
        Image|endswith: '\\powershell.exe'
        Initiated: 'true'
        DestinationPort: 80
    condition: selection
"""


def test_table_merges_overlapping_alerts_of_one_group_into_one_row(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(RULES), str(PUBLIC_C2)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["FIRST", "LAST", "LEVEL", "RULE", "ABOUT", "ALERTS", "EVENTS",
                                "SOURCE"]
    assert len(lines) == 1 + 1
    assert lines[1].startswith("2020-08-07 14:32:22.751  2020-08-07 14:35:19.697  medium")
    assert "DestinationIp=203.0.113.5" in lines[1]
    assert "  28  " in lines[1] and "  35  " in lines[1]


def test_json_lines_carry_rule_times_group_and_events(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(RULES), str(PUBLIC_C2), "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 28 and {r["rule"]["title"] for r in records} == {BEACONING}
    first = records[0]
    assert first["group"] == {
        "Computer": "WORKSTATION5.theshire.local",
        "Image": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "DestinationIp": "203.0.113.5",
        "DestinationPort": "80",
    }
    assert len(first["events"]) == 8
    assert first["events"][0]["source"].endswith("events.jsonl:4")
    assert (first["first"], first["last"]) == ("2020-08-07T14:32:22.751000Z",
                                               "2020-08-07T14:33:01.747000Z")


def test_rule_errors_go_to_stderr_and_the_other_rules_still_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "good.yml").write_text(POWERSHELL_WEB)
    (rules / "bad.yml").write_text("title: Broken\nlogsource: {product: windows}\n"
                                   "detection: {sel: {Image|nosuchmodifier: x}, condition: sel}\n")
    assert main([str(rules), str(PUBLIC_C2), "--format", "jsonl"]) == 2
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 35
    assert f"{rules / 'bad.yml'}: rule 'Broken': Unknown modifier" in captured.err


def test_an_unreadable_line_stops_the_replay_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text('{"EventID": 3}\nnot json\n')
    assert main([str(RULES), str(log)]) == 1
    assert f"error: {log}:2: not a JSON object" in capsys.readouterr().err


def test_the_progress_bar_is_drawn_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(RULES), str(PUBLIC_C2), "--progress", "--format", "jsonl"]) == 0
    err = capsys.readouterr().err
    assert "events.jsonl [##############################] 100%" in err


def test_placeholders_are_given_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "admins.yml").write_text(
        "title: Admin Connection\nlogsource: {product: windows}\n"
        "detection: {sel: {User|expand: '%Admins%'}, condition: sel}\n")
    assert main([str(rules), str(PUBLIC_C2), "--format", "jsonl",
                 "--placeholder", "Admins=THESHIRE\\user01"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 35
