"""The last stages of a correlation query: the columns an analyst triages a match by."""
from __future__ import annotations

from sigma.correlations import SigmaCorrelationRule, SigmaCorrelationType

from .correlation_aggregate import TEMPORAL_TYPES
from .correlation_bases import Base
from .correlation_columns import CONDITION_COLUMNS, Field, field_name

# How first seen, last seen and window start are shown: ISO 8601 in UTC.
TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"


def triage_stages(rule: SigmaCorrelationRule, bases: list[Base], groups: list[Field]) -> list[str]:
    """Readable times, the average gap for event counts, newest first, the columns to show."""
    lines = [
        f'| formatDate(toLong({column}_ms), "{TIME_FORMAT}", "UTC") as {column}'
        for column in ("window_start", "first_seen", "last_seen")
    ]
    shown = ["window_start", "first_seen", "last_seen"]
    shown += list(dict.fromkeys(field_name(g.name, rule) for g in groups))
    shown.append("event_count")

    if rule.type == SigmaCorrelationType.EVENT_COUNT:
        lines.append(
            "| round((last_seen_ms - first_seen_ms) / max(event_count - 1, 1)) as avg_gap_ms"
        )
        shown.append("avg_gap_ms")
    elif rule.type in TEMPORAL_TYPES:
        shown += ["rules_matched"] + [base.seen for base in bases]
    else:
        shown.append(CONDITION_COLUMNS[rule.type])

    lines.append("| sort by last_seen_ms")
    lines.append("| fields " + ", ".join(shown))
    return lines
