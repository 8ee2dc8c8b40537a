"""Event times: which field holds them and how each written form becomes a UTC instant.

Times are kept as integer microseconds since the Unix epoch, so window arithmetic is exact.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

# Fields tried in this order; the first one present and readable gives the event's time.
TIME_FIELDS: tuple[str, ...] = (
    "UtcTime",
    "SystemTime",
    "TimeCreated_SystemTime",
    "TimeCreated",
    "@timestamp",
    "timestamp",
    "_messagetime",
    "EventTime",
)

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NUMBER = re.compile(r"-?\d+(\.\d+)?")

# Epoch values at or above this are milliseconds: as seconds it would be the year 5138.
_MILLISECONDS_FROM = 100_000_000_000


def parse_timestamp(value: Any) -> int | None:
    """The instant a written time stands for, in epoch microseconds, or None if unreadable.

    Accepted: Sysmon's `UtcTime` (`2020-08-07 14:32:18.896`), ISO 8601 with or without a zone,
    and epoch seconds or milliseconds as numbers or digit strings. A time without a zone is
    taken as UTC, which is what Sysmon writes and what Windows exports carry.
    """
    if isinstance(value, bool) or value is None:
        return None

    if isinstance(value, (int, float)):
        return _from_epoch(float(value))

    if not isinstance(value, str):
        return None

    text = value.strip()
    if _NUMBER.fullmatch(text):
        return _from_epoch(float(text))

    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        return None

    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    delta = instant - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _from_epoch(number: float) -> int | None:
    if number != number or number in (float("inf"), float("-inf")):
        return None
    scale = 1_000 if abs(number) >= _MILLISECONDS_FROM else 1_000_000
    return round(number * scale)


def event_time(fields: dict[str, Any], time_fields: tuple[str, ...] = TIME_FIELDS) -> int | None:
    """The time of an event from the first readable time field, or None."""
    for name in time_fields:
        if name in fields:
            instant = parse_timestamp(fields[name])
            if instant is not None:
                return instant
    return None


def to_datetime(instant: int) -> datetime:
    """An epoch-microsecond instant as an aware UTC datetime."""
    return datetime.fromtimestamp(instant // 1_000_000, tz=timezone.utc).replace(
        microsecond=instant % 1_000_000
    )


def format_instant(instant: int | None) -> str:
    """An instant in Sysmon's own form with milliseconds, or '-' when unknown."""
    if instant is None:
        return "-"
    return to_datetime(instant).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
