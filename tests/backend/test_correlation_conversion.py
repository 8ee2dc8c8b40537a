"""Correlation rules and the saved-search format through the backend, as sigma-cli runs them."""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sigma.backends.sumo import SumoLogicBackend
from sigma.collection import SigmaCollection

from tests.correlation import sumo_simulator
from tests.sumo import check_query

from .conversion import RESOLVER

BASE = """\
title: Outbound To Port 4444
name: port_4444
status: test
logsource: {product: windows, category: network_connection}
detection:
    selection:
        DestinationPort: 4444
    condition: selection
level: low
"""
CORRELATION = """\
title: Repeated Connections To Port 4444
id: 3c1d9c55-8d6c-4b34-9e0c-5f6b3a8d2e10
status: test
correlation:
    type: event_count
    rules: [port_4444]
    group-by: [Computer]
    timespan: 10m
    condition: {gte: 3}
    generate: GENERATE
level: medium
"""
MINUTE = 60_000


def _convert(generate: bool = False, output_format: str = "default") -> list | str:
    text = BASE + "---\n" + CORRELATION.replace("GENERATE", str(generate).lower())
    backend = SumoLogicBackend(RESOLVER.resolve(["sumo_json"]))
    return backend.convert(SigmaCollection.from_yaml(text), output_format)


def _events(*minutes: int, port: str = "4444", computer: str = "WS1") -> list[dict]:
    message = {"DestinationPort": port, "Computer": computer}
    return [sumo_simulator.event(minute * MINUTE, message) for minute in minutes]


def test_correlation_query_extracts_the_group_by_field_and_counts_per_group():
    queries = _convert()

    assert len(queries) == 1
    assert queries[0].startswith(
        "*\n"
        '| json field=_raw "DestinationPort", "Computer" as DestinationPort, Computer nodrop\n'
        '| where !isNull(DestinationPort) and DestinationPort = "4444"\n'
    )
    assert "| count as event_count" in queries[0]
    assert "| where event_count >= 3" in queries[0]


def test_correlation_alerts_on_three_events_within_the_timespan_only():
    query = _convert()[0]

    assert sumo_simulator.run(query, _events(1, 2, 3))
    assert not sumo_simulator.run(query, _events(1, 2))
    assert not sumo_simulator.run(query, _events(1, 2) + _events(3, port="443"))
    assert not sumo_simulator.run(query, _events(1, 2) + _events(3, computer="WS2"))
    assert not sumo_simulator.run(query, _events(0, 30, 60))


def test_generate_true_also_outputs_the_base_rule_as_its_own_query():
    queries = _convert(generate=True)

    assert queries[0] == (
        "*\n"
        '| json field=_raw "DestinationPort" as DestinationPort nodrop\n'
        '| where !isNull(DestinationPort) and DestinationPort = "4444"'
    )
    assert "count as event_count" in queries[1]
    assert len(queries) == 2


def test_savedsearch_format_is_one_library_folder_with_a_search_per_output_rule():
    folder = json.loads(_convert(generate=True, output_format="savedsearch"))

    assert folder["type"] == "FolderSyncDefinition"
    names = [child["name"] for child in folder["children"]]
    assert sorted(names) == ["Outbound To Port 4444", "Repeated Connections To Port 4444"]
    correlation = next(c for c in folder["children"] if c["name"].startswith("Repeated"))
    assert correlation["type"] == "SavedSearchWithScheduleSyncDefinition"
    assert correlation["search"]["defaultTimeRange"] == "-20m"
    assert "count as event_count" in correlation["search"]["queryText"]


def test_sigma_convert_takes_a_folder_whose_correlation_sorts_before_its_base(tmp_path):
    (tmp_path / "a_correlation.yml").write_text(CORRELATION.replace("GENERATE", "false"))
    (tmp_path / "z_base.yml").write_text(BASE)
    sigma = Path(sys.executable).with_name("sigma")

    run = subprocess.run(
        [str(sigma), "convert", "-t", "sumo", "-p", "sumo_json", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )

    assert run.returncode == 0, run.stderr
    assert "| where event_count >= 3" in run.stdout


def test_correlation_over_an_unknown_rule_names_the_missing_reference(tmp_path):
    (tmp_path / "corr.yml").write_text(
        textwrap.dedent(CORRELATION.replace("GENERATE", "false").replace("port_4444", "nope"))
    )
    sigma = Path(sys.executable).with_name("sigma")

    run = subprocess.run(
        [str(sigma), "convert", "-t", "sumo", "-p", "sumo_json", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )

    assert run.returncode != 0
    assert "nope" in run.stdout + run.stderr


@pytest.mark.parametrize(
    "name, path, written",
    [("src-ip", "['src-ip']", '%"src-ip"'), ("where", "where", '%"where"'),
     ("count", "count", '%"count"')],
)
def test_a_group_by_field_outside_plain_names_is_extracted_under_a_name_sumo_reads(
    name, path, written
):
    text = BASE + "---\n" + CORRELATION.replace("GENERATE", "false").replace(
        "group-by: [Computer]", f"group-by: ['{name}']"
    )
    backend = SumoLogicBackend(RESOLVER.resolve(["sumo_json"]))

    query = backend.convert(SigmaCollection.from_yaml(text))[0]

    check_query(query)
    assert (
        f'| json field=_raw "DestinationPort", "{path}" as DestinationPort, {written} nodrop'
        in query
    )
    assert f"by window_phase, window_start_ms, {written}\n" in query
    same_source = [
        sumo_simulator.event(minute * MINUTE, {"DestinationPort": "4444", name: "10.0.0.1"})
        for minute in (1, 2, 3)
    ]
    two_sources = same_source[:2] + [
        sumo_simulator.event(3 * MINUTE, {"DestinationPort": "4444", name: "10.0.0.2"})
    ]
    assert sumo_simulator.run(query, same_source)
    assert not sumo_simulator.run(query, two_sources)
