"""`conversions/` holds the current rendering of every rule for every target."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "conversions" / "refresh.py"

RULE = """\
title: Connection To Suspicious Port
id: 5b8e9b6a-1f0e-4a57-9a55-3b3d6f0c2a10
status: test
description: A process connects to a port that remote-access tools use.
author: test
date: 2026-01-01
logsource:
    product: windows
    category: network_connection
detection:
    selection:
        DestinationPort: 4444
    condition: selection
level: medium
"""


def _refresh_module():
    spec = importlib.util.spec_from_file_location("conversions_refresh", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


refresh = _refresh_module()


def test_every_rule_has_a_current_conversion_for_every_target():
    problems = refresh.stale_files()
    assert not problems, (
        "conversions/ is out of date:\n  " + "\n  ".join(problems)
        + f"\nrefresh it with: {refresh.REFRESH_COMMAND}"
    )


def test_rule_folder_is_not_empty():
    assert sorted((REPO / "sigma_rules").glob("*.yml")), "sigma_rules/ holds no rule"


def test_check_reports_a_rule_changed_after_refreshing(tmp_path):
    rules, out = tmp_path / "rules", tmp_path / "out"
    rules.mkdir()
    (rules / "net_connection_win_port.yml").write_text(RULE)
    written = refresh.write(out, rules)

    assert written == len(refresh.TARGETS)
    assert refresh.stale_files(out, rules) == []

    (rules / "net_connection_win_port.yml").write_text(RULE.replace("4444", "31337"))
    stale = refresh.stale_files(out, rules)

    assert sorted(stale) == sorted(
        f"stale: {t.folder}/net_connection_win_port{t.suffix}" for t in refresh.TARGETS
    )


def test_check_reports_missing_and_extra_files(tmp_path):
    rules, out = tmp_path / "rules", tmp_path / "out"
    rules.mkdir()
    (rules / "net_connection_win_port.yml").write_text(RULE)
    refresh.write(out, rules)
    (out / "splunk" / "net_connection_win_port.spl").unlink()
    (out / "splunk" / "removed_rule.spl").write_text("x\n")

    assert sorted(refresh.stale_files(out, rules)) == [
        "extra: splunk/removed_rule.spl",
        "missing: splunk/net_connection_win_port.spl",
    ]


def test_rendering_is_byte_for_byte_repeatable():
    assert refresh.expected_files() == refresh.expected_files()


def test_unconvertible_rule_leaves_a_file_saying_why(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "broken.yml").write_text("title: [unclosed\n")

    files = refresh.expected_files(rules)

    assert set(files) == {Path(t.folder) / f"broken{t.suffix}" for t in refresh.TARGETS}
    assert all(text.startswith(refresh.NOT_CONVERTED) for text in files.values())


def test_check_command_prints_the_refresh_command_when_stale(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(REPO / "sigma_rules", copy / "sigma_rules")
    shutil.copytree(REPO / "conversions", copy / "conversions")
    (copy / "sigma_rules" / "new_rule.yml").write_text(RULE)

    run = subprocess.run(
        [sys.executable, str(copy / "conversions" / "refresh.py"), "--check"],
        capture_output=True, text=True, check=False,
    )

    assert run.returncode == 1
    assert "missing: sumo/new_rule.txt" in run.stdout
    assert refresh.REFRESH_COMMAND in run.stdout


def test_every_rule_converts_for_sumo_and_for_splunk():
    files = refresh.expected_files()

    not_converted = [
        f"{path}: {text.strip()}"
        for path, text in files.items()
        if path.parts[0] in ("sumo", "sumo-savedsearch", "splunk")
        and text.startswith(refresh.NOT_CONVERTED)
    ]
    assert not not_converted, "\n".join(not_converted)
