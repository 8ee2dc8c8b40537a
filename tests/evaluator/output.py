"""Alerts as a reviewer reads them: an aligned table, or one JSON object per line."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .alerts import Alert
from .timestamps import format_instant, to_datetime

SUMMARY_FIELDS: tuple[str, ...] = ("Computer", "Image", "DestinationIp", "DestinationPort",
                                   "QueryName", "CommandLine")
MAX_CELL = 80


def alert_record(alert: Alert) -> dict[str, Any]:
    """An alert as plain JSON-ready data, with every event and where it came from."""
    return {
        "rule": {"title": alert.rule.title, "id": alert.rule.id, "level": alert.rule.level,
                 "path": alert.rule.path},
        "first": _iso(alert.first),
        "last": _iso(alert.last),
        "group": alert.group_dict(),
        "metric": alert.metric,
        "events": [{"source": str(e.source), "fields": e.fields} for e in alert.events],
    }


def _iso(instant: int | None) -> str | None:
    return None if instant is None else to_datetime(instant).isoformat().replace("+00:00", "Z")


def json_lines(alerts: Iterable[Alert]) -> Iterable[str]:
    """One JSON object per alert."""
    for alert in alerts:
        yield json.dumps(alert_record(alert), default=str, ensure_ascii=False)


def table(alerts: Sequence[Alert]) -> list[str]:
    """An aligned table: time span, level, rule, what it is about, event count, first source."""
    header = ("FIRST", "LAST", "LEVEL", "RULE", "ABOUT", "EVENTS", "SOURCE")
    rows = [header] + [_row(alert) for alert in alerts]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
            for row in rows]


def _row(alert: Alert) -> tuple[str, ...]:
    about = alert.group or tuple((name, str(alert.events[0].fields[name]))
                                 for name in SUMMARY_FIELDS
                                 if alert.events and name in alert.events[0].fields)
    text = " ".join(f"{name}={value}" for name, value in about)
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL - 3] + "..."
    return (format_instant(alert.first), format_instant(alert.last), alert.rule.level or "-",
            alert.rule.title, text, str(len(alert.events)),
            str(alert.events[0].source) if alert.events else "-")
