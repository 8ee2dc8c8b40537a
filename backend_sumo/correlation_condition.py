"""The correlation condition, over the columns the aggregate computed for each window."""
from __future__ import annotations

import operator

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

from .correlation_bases import Base, unsupported
from .correlation_columns import CONDITION_COLUMNS

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


def condition_expression(rule: SigmaCorrelationRule, bases: list[Base]) -> str:
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
