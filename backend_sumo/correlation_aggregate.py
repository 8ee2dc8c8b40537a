"""The aggregate of a correlation query: per window phase, window and group, its counts.

Before it, events without the value a condition reads are dropped and, for ordered
correlations, each rule's time is put out of reach on events the rule did not match. After it,
temporal correlations count the base rules each window saw.
"""
from __future__ import annotations

from sigma.correlations import SigmaCorrelationCondition, SigmaCorrelationRule, SigmaCorrelationType
from sigma.exceptions import SigmaCorrelationRuleError

from .correlation_bases import Base, label
from .correlation_columns import Field, field_name
from .correlation_windows import timespan_ms
from .literals import NUMBER_SHAPE


TEMPORAL_TYPES = (SigmaCorrelationType.TEMPORAL, SigmaCorrelationType.TEMPORAL_ORDERED)
NUMERIC_TYPES = (
    SigmaCorrelationType.VALUE_SUM,
    SigmaCorrelationType.VALUE_AVG,
    SigmaCorrelationType.VALUE_PERCENTILE,
    SigmaCorrelationType.VALUE_MEDIAN,
)


def value_stages(rule: SigmaCorrelationRule, value: Field | None) -> list[str]:
    """Keep events that carry the value; for arithmetic, only values shaped like numbers."""
    if value is None:
        return []
    name = field_name(value.name, rule)
    if rule.type not in NUMERIC_TYPES:
        return [f"| where !isNull({name})"]
    return [
        f"| where !isNull({name}) and {name} matches {NUMBER_SHAPE}",
        f"| num({name}) as value_number",
    ]


def pre_aggregate_stages(rule: SigmaCorrelationRule, bases: list[Base]) -> list[str]:
    """For ordered correlations: each event's time if it matched a rule, else out of reach.

    An event that did not match is moved one span later (for the first occurrence) or earlier
    (for the last), which puts it outside every value a window's own events can take.
    """
    if rule.type != SigmaCorrelationType.TEMPORAL_ORDERED:
        return []
    span = timespan_ms(rule)
    lines = []
    for base in bases:
        lines.append(
            f"| if({base.tag} = 1, _messageTime, _messageTime + {span}) as t_first_{base.stem}"
        )
        lines.append(
            f"| if({base.tag} = 1, _messageTime, _messageTime - {span}) as t_last_{base.stem}"
        )
    return lines


def aggregate_stage(
    rule: SigmaCorrelationRule, bases: list[Base], groups: list[Field], value: Field | None
) -> str:
    """Count, first and last time, and the type's own aggregate, per window and group."""
    aggregates = [
        "count as event_count",
        "min(_messageTime) as first_seen_ms",
        "max(_messageTime) as last_seen_ms",
    ]
    if rule.type == SigmaCorrelationType.VALUE_COUNT:
        assert value is not None
        aggregates.append(f"count_distinct({field_name(value.name, rule)}) as value_count")
    elif rule.type == SigmaCorrelationType.VALUE_SUM:
        aggregates.append("sum(value_number) as value_sum")
    elif rule.type == SigmaCorrelationType.VALUE_AVG:
        aggregates.append("avg(value_number) as value_avg")
    elif rule.type == SigmaCorrelationType.VALUE_PERCENTILE:
        aggregates.append(f"pct(value_number, {_percentile(rule)}) as value_percentile")
    elif rule.type == SigmaCorrelationType.VALUE_MEDIAN:
        aggregates.append("pct(value_number, 50) as value_median")
    elif rule.type in TEMPORAL_TYPES:
        aggregates += [f"max({base.tag}) as {base.seen}" for base in bases]
    if rule.type == SigmaCorrelationType.TEMPORAL_ORDERED:
        for base in bases:
            aggregates.append(f"min(t_first_{base.stem}) as {base.first}")
            aggregates.append(f"max(t_last_{base.stem}) as {base.last}")

    keys = ["window_phase", "window_start_ms"] + [field_name(g.name, rule) for g in groups]
    return f"| {', '.join(aggregates)} by {', '.join(keys)}"


def _percentile(rule: SigmaCorrelationRule) -> int:
    """The percentile a value_percentile condition ranks at, 1 to 100."""
    condition = rule.condition
    assert isinstance(condition, SigmaCorrelationCondition)
    if condition.percentile is None or not 0 < condition.percentile <= 100:
        raise SigmaCorrelationRuleError(
            f"{label(rule)} needs a condition percentile from 1 to 100, "
            f"not {condition.percentile}",
            source=rule.source,
        )
    return condition.percentile


def post_aggregate_stages(rule: SigmaCorrelationRule, bases: list[Base]) -> list[str]:
    """For temporal correlations: how many of the base rules each window saw."""
    if rule.type not in TEMPORAL_TYPES:
        return []
    return ["| " + " + ".join(base.seen for base in bases) + " as rules_matched"]
