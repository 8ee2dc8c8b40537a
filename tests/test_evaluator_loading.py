"""Event loading: JSON Lines, JSON arrays, .evtx and Sumo Logic's Windows JSON shape, and the
errors for input that is not one JSON object per line."""
import json
from pathlib import Path
from typing import Any

import pytest

from tests.evaluator import EventError, EventReader
from tests.evaluator.prefilter import LinePrefilter
from tests.evaluator.testing import compile_text, rule_yaml

FIXTURES = Path(__file__).parent / "fixtures"


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def read(path: Path, **options: Any) -> list[tuple[int, dict[str, Any]]]:
    return [(e.source.line, e.fields) for e in EventReader(path, **options)]


def any_prefilter() -> LinePrefilter:
    """A prefilter that is active (its one rule needs the literal 'powershell')."""
    rules = compile_text(rule_yaml("""
        selection:
            Image|contains: 'powershell'
        condition: selection
    """))
    return LinePrefilter([d.requirement for d in rules.detections])


def test_json_lines_yield_one_event_per_line_numbered_from_one(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", '{"EventID": 1}\n{"EventID": 3, "Image": "a"}\n')
    assert read(path) == [(1, {"EventID": 1}), (2, {"EventID": 3, "Image": "a"})]


def test_a_json_array_yields_its_elements(tmp_path: Path) -> None:
    path = write(tmp_path / "e.json", '[{"EventID": 1}, {"EventID": 22}]')
    assert read(path) == [(1, {"EventID": 1}), (2, {"EventID": 22})]


@pytest.mark.parametrize("prefiltered", [False, True])
def test_a_line_that_is_not_a_json_object_names_file_and_line(
    tmp_path: Path, prefiltered: bool,
) -> None:
    path = write(tmp_path / "e.jsonl", '{"EventID": 1}\n["EventID", 3]\n')
    options = {"prefilter": any_prefilter()} if prefiltered else {}
    with pytest.raises(EventError, match=r"e\.jsonl:2: not a JSON object"):
        read(path, **options)


@pytest.mark.parametrize("prefiltered", [False, True])
def test_a_truncated_line_is_an_error_even_when_no_rule_could_match_it(
    tmp_path: Path, prefiltered: bool,
) -> None:
    path = write(tmp_path / "e.jsonl", '{"EventID": 1}\n{"EventID": 3, "Ima\n{"EventID": 1}\n')
    options = {"prefilter": any_prefilter()} if prefiltered else {}
    with pytest.raises(EventError, match=r"e\.jsonl:2: not a JSON object"):
        read(path, **options)


@pytest.mark.parametrize("prefiltered", [False, True])
def test_blank_lines_hold_no_event_and_are_counted(tmp_path: Path, prefiltered: bool) -> None:
    event = '{"Image": "powershell.exe"}'
    path = write(tmp_path / "e.jsonl", f"{event}\n\n  \n{event}\n\n")
    options = {"prefilter": any_prefilter()} if prefiltered else {}
    reader = EventReader(path, **options)

    lines = [e.source.line for e in reader]

    assert lines == [1, 4]
    assert reader.blank_lines == 3


def test_windows_line_endings_are_read_like_plain_newlines(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", '{"a": "powershell"}\r\n{"b": "cmd"}\r\n')
    assert [line for line, _ in read(path, prefilter=any_prefilter())] == [1]
    assert read(path) == [(1, {"a": "powershell"}), (2, {"b": "cmd"})]


def test_a_utf8_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", b'\xef\xbb\xbf{"EventID": 1}\n')
    assert read(path) == [(1, {"EventID": 1})]


def test_a_last_line_without_newline_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", '{"a": "powershell"}\n{"b": "powershell"}')
    assert [line for line, _ in read(path, prefilter=any_prefilter())] == [1, 2]


def test_prefiltered_reading_counts_every_line_and_parses_only_candidates(tmp_path: Path) -> None:
    lines = [json.dumps({"Image": "C:\\x\\cmd.exe", "n": i}) for i in range(50)]
    lines[30] = json.dumps({"Image": "C:\\x\\PowerShell.exe", "n": 30})
    path = write(tmp_path / "e.jsonl", "\n".join(lines) + "\n")
    reader = EventReader(path, prefilter=any_prefilter())
    assert [e.source.line for e in reader] == [31]
    assert (reader.records, reader.parsed) == (50, 1)


def test_sumo_windows_json_payload_is_lifted_to_sysmon_names(tmp_path: Path) -> None:
    sumo = {"EventID": "3", "Computer": "WS01.corp.example",
            "Channel": "Microsoft-Windows-Sysmon/Operational",
            "TimeCreated": "2020-08-07T14:32:18.896Z",
            "EventData": {"Image": "C:\\x\\powershell.exe", "DestinationPort": "4443",
                          "Computer": "payload loses to the top level"}}
    path = write(tmp_path / "sumo.jsonl", json.dumps(sumo) + "\n")
    ((_, fields),) = read(path)
    assert fields == {"EventID": "3", "Computer": "WS01.corp.example",
                      "Channel": "Microsoft-Windows-Sysmon/Operational",
                      "TimeCreated": "2020-08-07T14:32:18.896Z",
                      "Image": "C:\\x\\powershell.exe", "DestinationPort": "4443"}


def test_evtx_records_are_flattened_to_system_and_event_data_fields() -> None:
    events = list(EventReader(FIXTURES / "evtx" / "events.evtx"))
    assert [e.fields["EventID"] for e in events] == [5152, 4611, 4776, 4625, 5152, 5157, 4673]
    failed_logon = events[3].fields
    assert failed_logon["Channel"] == "Security"
    assert failed_logon["Computer"] == "temporal"
    assert failed_logon["Provider_Name"] == "Microsoft-Windows-Security-Auditing"
    assert failed_logon["TimeCreated_SystemTime"] == "2016-06-29T15:24:36.686000Z"
    assert {"TargetUserName", "LogonType", "IpAddress"} <= failed_logon.keys()
    assert str(events[3].source).endswith("events.evtx record 4")


def test_json_numbers_keep_the_form_they_were_written_in(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", '{"Ratio": 1.50}\n')
    ((event),) = list(EventReader(path))
    assert event.texts("Ratio") == ("1.50",)
