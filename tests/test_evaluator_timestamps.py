"""Event times: every accepted written form stands for the same UTC instant."""
from typing import Any

import pytest

from tests.evaluator.timestamps import event_time, format_instant, parse_timestamp

INSTANT = parse_timestamp("2020-08-07T14:32:18.896Z")


@pytest.mark.parametrize("written", [
    "2020-08-07 14:32:18.896",
    "2020-08-07T14:32:18.896",
    "2020-08-07T14:32:18.896Z",
    "2020-08-07T16:32:18.896+02:00",
    "2020-08-07T14:32:18.8960000Z",
    1596810738.896,
    "1596810738.896",
    1596810738896,
    "1596810738896",
])
def test_every_written_form_reads_as_the_same_instant(written: Any) -> None:
    assert parse_timestamp(written) == INSTANT


@pytest.mark.parametrize("written", ["yesterday", "", None, True, {"t": 1}, float("nan")])
def test_unreadable_times_are_none(written: Any) -> None:
    assert parse_timestamp(written) is None


def test_sysmon_utctime_is_taken_before_other_time_fields() -> None:
    fields = {"SystemTime": "2020-08-07T00:00:00Z", "UtcTime": "2020-08-07 14:32:18.896"}
    assert event_time(fields) == INSTANT


def test_the_next_time_field_is_used_when_the_first_is_unreadable() -> None:
    fields = {"UtcTime": "-", "TimeCreated": "2020-08-07T14:32:18.896Z"}
    assert event_time(fields) == INSTANT


def test_instants_print_in_sysmon_form() -> None:
    assert format_instant(INSTANT) == "2020-08-07 14:32:18.896"
    assert format_instant(None) == "-"
