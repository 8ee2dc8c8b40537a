"""Sigma correlation rules as one Sumo Logic aggregation over the searches of their base rules.

The query reads top to bottom the way an analyst writes one:

1. events: the base rules' scope and `json` stage, then the single base rule's `where`, or one
   `if(<condition>, 1, 0) as match_<rule>` tag per base rule and a `where` keeping events that
   any base rule matched;
2. aliases: one column per alias, read from the field each base rule names for it;
3. windows: every event copied once per window phase, and the start of its window computed;
4. the aggregate by window phase, window and group-by fields, then the correlation condition;
5. triage columns: first seen, last seen, the group fields and the counts, newest first.

`render_correlation` builds the query; `correlation_fields` tells a caller which fields each
base rule's search must extract for it.
"""
from __future__ import annotations

import logging
import operator
from collections.abc import Sequence

from sigma.correlations import (
    CorrelationConditionAND,
    CorrelationConditionItem,
    CorrelationConditionNOT,
    CorrelationConditionOR,
    SigmaCorrelationCondition,
    SigmaCorrelationConditionOperator,
    SigmaCorrelationRule,
    SigmaCorrelationType,
    SigmaExtendedCorrelationCondition,
    SigmaRuleReference,
)

from .correlation_aggregate import (
    TEMPORAL_TYPES,
    aggregate_stage,
    post_aggregate_stages,
    pre_aggregate_stages,
    value_stages,
)
from .correlation_bases import (
    Base,
    base_rules,
    label,
    rule_references,
    unsupported,
)
from .correlation_columns import (
    CONDITION_COLUMNS,
    Field,
    check_extracted,
    check_names,
    field_name,
    resolve_field,
    value_field,
)
from .correlation_events import alias_stages, event_stages
from .correlation_windows import window_stages
from .search import SumoSearch

logger = logging.getLogger(__name__)

# How first seen, last seen and window start are shown: ISO 8601 in UTC.
TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"

COMPARISONS = {
    SigmaCorrelationConditionOperator.LT: "<",
    SigmaCorrelationConditionOperator.LTE: "<=",
    SigmaCorrelationConditionOperator.GT: ">",
    SigmaCorrelationConditionOperator.GTE: ">=",
    SigmaCorrelationConditionOperator.EQ: "=",
    SigmaCorrelationConditionOperator.NEQ: "!=",
}

HOLDS = {
    SigmaCorrelationConditionOperator.LT: operator.lt,
    SigmaCorrelationConditionOperator.LTE: operator.le,
    SigmaCorrelationConditionOperator.GT: operator.gt,
    SigmaCorrelationConditionOperator.GTE: operator.ge,
    SigmaCorrelationConditionOperator.EQ: operator.eq,
    SigmaCorrelationConditionOperator.NEQ: operator.ne,
}

def render_correlation(
    rule: SigmaCorrelationRule, searches: Sequence[tuple[str, SumoSearch]]
) -> str:
    """The Sumo Logic query of a correlation rule.

    `searches` holds, for each rule the correlation references, the reference as written in
    the correlation and that rule's search, which must extract every field that
    `correlation_fields` lists for it. `generate` does not change this query: whether the
    base rules are also output on their own is decided where the rules are converted.
    """
    logger.debug("rendering %s", label(rule))
    references = rule_references(rule)
    bases = base_rules(rule, references, searches)
    group_by = {name.lower(): name for name in rule.group_by or []}.values()
    groups = [resolve_field(rule, name, references) for name in group_by]
    value = value_field(rule, references)
    fields = groups + ([value] if value else [])
    check_names(rule, bases, fields)
    check_extracted(rule, bases, fields)

    tagged = len(bases) > 1 or rule.type in TEMPORAL_TYPES
    lines = event_stages(rule, bases, tagged)
    lines += alias_stages(rule, bases, fields)
    lines += value_stages(rule, value)
    lines += window_stages(rule)
    lines += pre_aggregate_stages(rule, bases)
    lines.append(aggregate_stage(rule, bases, groups, value))
    lines += post_aggregate_stages(rule, bases)
    lines.append(f"| where {_condition(rule, bases)}")
    lines += _triage_stages(rule, bases, groups)
    return "\n".join(lines)


def correlation_fields(rule: SigmaCorrelationRule) -> dict[str, tuple[str, ...]]:
    """Per referenced rule (as written in the correlation), the fields the query reads.

    These are the group-by fields and the condition's value field, with aliases resolved to
    each rule's own field. Sumo metadata fields (names starting with `_`) need no extraction.
    """
    references = rule_references(rule)
    fields = [resolve_field(rule, name, references) for name in rule.group_by or []]
    value = value_field(rule, references)
    if value:
        fields.append(value)

    needed: dict[str, tuple[str, ...]] = {}
    for index, reference in enumerate(references):
        names = [f.sources[index] for f in fields if not f.sources[index].startswith("_")]
        needed[reference.reference] = tuple(dict.fromkeys(names))
    return needed


def _condition(rule: SigmaCorrelationRule, bases: list[Base]) -> str:
    """The correlation condition over the aggregate's columns."""
    condition = rule.condition
    if isinstance(condition, SigmaExtendedCorrelationCondition):
        if rule.type == SigmaCorrelationType.TEMPORAL_ORDERED:
            raise unsupported(rule, "an order over an and/or/not condition")
        return _extended(condition.parsed, bases)

    assert isinstance(condition, SigmaCorrelationCondition)
    # Shortcoming: lt/lte/eq/neq see only windows with events; range edges cut windows short.
    comparison = f"{COMPARISONS[condition.op]} {condition.count}"
    if rule.type == SigmaCorrelationType.TEMPORAL:
        return f"rules_matched {comparison}"
    if rule.type == SigmaCorrelationType.TEMPORAL_ORDERED:
        met = [n for n in range(len(bases) + 1) if _holds(condition, n)]
        if met != [len(bases)]:
            raise unsupported(
                rule, f"an ordered correlation whose condition '{comparison}' does not ask for "
                f"all {len(bases)} rules",
            )
        return f"rules_matched = {len(bases)} and {_in_order(bases)}"
    return f"{CONDITION_COLUMNS[rule.type]} {comparison}"


def _holds(condition: SigmaCorrelationCondition, value: int) -> bool:
    """Whether a count meets the correlation condition."""
    return HOLDS[condition.op](value, condition.count)


def _in_order(bases: list[Base]) -> str:
    """Some occurrence of each rule follows some occurrence of the previous one.

    Each alternative picks the first occurrence of the leading rules and the last occurrence of
    the trailing ones; any alternative that holds is a real sequence, so nothing fires out of
    order; events at the same millisecond count as in order. With two rules this is exact.
    With three or more it can miss a sequence whose middle rule also fires before the first
    occurrence of the rule listed before it and after the last occurrence of the one after it.
    """
    # Shortcoming: for three or more rules some real sequences are missed (never invented).
    alternatives = []
    for split in range(1, len(bases)):
        times = [b.first for b in bases[:split]] + [b.last for b in bases[split:]]
        steps = [f"{a} <= {b}" for a, b in zip(times, times[1:])]
        alternatives.append(" and ".join(steps))
    if len(alternatives) == 1:
        return alternatives[0]
    return "(" + " or ".join(f"({a})" for a in alternatives) + ")"


def _extended(node: CorrelationConditionItem | SigmaRuleReference, bases: list[Base]) -> str:
    """An and/or/not condition over which base rules a window saw."""
    if isinstance(node, SigmaRuleReference):
        base = next(b for b in bases if b.reference.reference == node.reference)
        return f"{base.seen} = 1"
    if isinstance(node, CorrelationConditionNOT):
        return f"!({_extended(node.args[0], bases)})"
    assert isinstance(node, (CorrelationConditionAND, CorrelationConditionOR))
    word = " and " if isinstance(node, CorrelationConditionAND) else " or "
    parts = []
    for arg in node.args:
        part = _extended(arg, bases)
        bare = isinstance(arg, (SigmaRuleReference, CorrelationConditionNOT))
        parts.append(part if bare else f"({part})")
    return word.join(parts)


def _triage_stages(
    rule: SigmaCorrelationRule, bases: list[Base], groups: list[Field]
) -> list[str]:
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
