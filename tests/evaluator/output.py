"""Alerts as a reviewer reads them: an aligned table, or one JSON object per line."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .alerts import Alert
from .timestamps import format_instant, to_datetime

SUMMARY_FIELDS: tuple[str, ...] = ("Computer", "Image", "DestinationIp", "DestinationPort",
                                   "QueryName", "CommandLine")
MAX_CELL = 160


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
    """An aligned table, one row per incident: alerts of one rule and group whose spans overlap.

    A correlation alerts at every event that keeps its window over the threshold; the row says
    how many alerts it merges and how many distinct events they hold.
    """
    header = ("FIRST", "LAST", "LEVEL", "RULE", "ABOUT", "ALERTS", "EVENTS", "SOURCE")
    rows = [header] + [_row(incident) for incident in incidents(alerts)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
            for row in rows]


def incidents(alerts: Iterable[Alert]) -> list[list[Alert]]:
    """Alerts in time order, those of one rule and group with overlapping spans put together."""
    open_incidents: dict[tuple[str, tuple[tuple[str, str], ...]], list[Alert]] = {}
    result: list[list[Alert]] = []
    for alert in alerts:
        key = (alert.rule.key, alert.group)
        current = open_incidents.get(key)
        if (current and alert.group and current[-1].last is not None
                and alert.first is not None and alert.first <= current[-1].last):
            current.append(alert)
            continue
        open_incidents[key] = [alert]
        result.append(open_incidents[key])
    return result


def _row(incident: list[Alert]) -> tuple[str, ...]:
    alert = incident[0]
    about = alert.group or tuple((name, str(alert.events[0].fields[name]))
                                 for name in SUMMARY_FIELDS
                                 if alert.events and name in alert.events[0].fields)
    text = " ".join(f"{name}={value}" for name, value in about)
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL - 3] + "..."
    events = {id(event): event for member in incident for event in member.events}
    lasts = [member.last for member in incident if member.last is not None]
    return (format_instant(alert.first), format_instant(max(lasts) if lasts else None),
            alert.rule.level or "-", alert.rule.title, text, str(len(incident)),
            str(len(events)), str(alert.events[0].source) if alert.events else "-")
