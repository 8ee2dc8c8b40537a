"""Correlation windows: the eight correlation types over sliding time windows, per group.

Semantics, shared with pySigma's SQLite backend so that the two can be compared:

- Matches of the referenced rules are grouped by the `group-by` fields (after `aliases`),
  compared case-insensitively. A match lacking a group-by field belongs to no group.
- Each distinct time t of a match in a group anchors the window [t - timespan, t], both ends
  included (for the value types, only a match that has a value anchors one). The window's
  metric is measured and, if it meets the condition, the window is one alert: first and last
  event time, the group, and the events that made it.
- `event_count` counts distinct events; `value_count` distinct values of the condition field
  (case-insensitive); `value_sum`, `value_avg`, `value_median` and `value_percentile`
  (linear interpolation between closest ranks) use the field's numeric values; `temporal`
  counts distinct referenced rules present; `temporal_ordered` counts the longest run of
  referenced rules whose matches occur in the listed order at strictly increasing times.
- An extended temporal condition (`a and not b`) is tested on the rules present. With a
  negation it looks forward instead: windows [t, t + timespan] anchored at matches of the
  rules named positively, reported only once a later match shows the window complete.
- A correlation can reference another; each of the inner one's alerts counts as a match at
  its last time, carrying its group and its events.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sigma.correlations import (
    CorrelationConditionAND,
    CorrelationConditionNOT,
    CorrelationConditionOR,
    SigmaCorrelationConditionOperator,
    SigmaCorrelationType,
    SigmaExtendedCorrelationCondition,
    SigmaRuleReference,
)

from .alerts import Alert, RuleInfo
from .event import Event, fold_case, value_texts
from .values import numeric_value

logger = logging.getLogger(__name__)

_OPERATORS: dict[SigmaCorrelationConditionOperator, Callable[[float, float], bool]] = {
    SigmaCorrelationConditionOperator.LT: lambda a, b: a < b,
    SigmaCorrelationConditionOperator.LTE: lambda a, b: a <= b,
    SigmaCorrelationConditionOperator.GT: lambda a, b: a > b,
    SigmaCorrelationConditionOperator.GTE: lambda a, b: a >= b,
    SigmaCorrelationConditionOperator.EQ: lambda a, b: a == b,
    SigmaCorrelationConditionOperator.NEQ: lambda a, b: a != b,
}

Expression = Callable[[frozenset[str]], bool]
_NUMERIC_KINDS = frozenset([SigmaCorrelationType.VALUE_SUM, SigmaCorrelationType.VALUE_AVG,
                            SigmaCorrelationType.VALUE_MEDIAN,
                            SigmaCorrelationType.VALUE_PERCENTILE])


@dataclass(frozen=True)
class Threshold:
    """`metric <op> count` from a correlation's condition."""

    op: SigmaCorrelationConditionOperator
    count: float

    def met(self, metric: float | None) -> bool:
        """Whether a measured metric meets the threshold (an absent metric never does)."""
        return metric is not None and _OPERATORS[self.op](metric, self.count)


@dataclass(frozen=True)
class Correlation:
    """A correlation rule compiled against the keys of the rules it references."""

    info: RuleInfo
    kind: SigmaCorrelationType
    inputs: tuple[str, ...]
    group_by: tuple[str, ...]
    group_fields: dict[str, tuple[str, ...]]
    """Per input rule key, the event field holding each group-by value (aliases applied)."""
    value_fields: dict[str, str | None]
    timespan: int
    threshold: Threshold | None
    percentile: float | None
    expression: Expression | None
    positive_inputs: frozenset[str]
    looks_forward: bool
    alerts: bool


def compile_correlation(
    rule: Any, info: RuleInfo, input_keys: Sequence[str], input_rules: Sequence[Any],
    alerts: bool,
) -> Correlation:
    """A `Correlation` from a resolved pySigma correlation rule."""
    group_by = tuple(rule.group_by or ())
    condition = rule.condition
    value_field = getattr(condition, "fieldref", None)
    if isinstance(value_field, list):
        raise ValueError("a condition over several fields is not supported")

    group_fields = {}
    value_fields = {}
    for key, ref_rule in zip(input_keys, input_rules):
        aliases = _aliases_for(rule, ref_rule)
        group_fields[key] = tuple(aliases.get(name, name) for name in group_by)
        value_fields[key] = aliases.get(value_field, value_field) if value_field else None

    expression = None
    positive: frozenset[str] = frozenset(input_keys)
    forward = False
    threshold = None
    if isinstance(condition, SigmaExtendedCorrelationCondition):
        by_reference = {ref: key for ref_rule, key in zip(input_rules, input_keys)
                        for ref in _references_of(ref_rule)}
        expression, positive, forward = _compile_expression(condition.parsed, by_reference)
    else:
        threshold = Threshold(condition.op, condition.count)

    percentile = None
    if rule.type is SigmaCorrelationType.VALUE_MEDIAN:
        percentile = 50.0
    elif rule.type is SigmaCorrelationType.VALUE_PERCENTILE:
        if condition.percentile is None or not 0 <= condition.percentile <= 100:
            raise ValueError("value_percentile needs a percentile between 0 and 100")
        percentile = float(condition.percentile)

    return Correlation(
        info=info, kind=rule.type, inputs=tuple(input_keys), group_by=group_by,
        group_fields=group_fields, value_fields=value_fields,
        timespan=rule.timespan.seconds * 1_000_000, threshold=threshold,
        percentile=percentile, expression=expression, positive_inputs=positive,
        looks_forward=forward, alerts=alerts,
    )


def _references_of(rule: Any) -> set[str]:
    return {ref for ref in (rule.name, str(rule.id) if rule.id else None) if ref}


def _aliases_for(rule: Any, ref_rule: Any) -> dict[str, str]:
    names = _references_of(ref_rule)
    return {alias.alias: field_name for alias in rule.aliases
            for reference, field_name in alias.mapping.items()
            if reference.reference in names}


def _compile_expression(
    node: Any, keys: dict[str, str]
) -> tuple[Expression, frozenset[str], bool]:
    """A predicate over the set of present inputs, the inputs named positively, and whether
    a negation occurs."""
    positive: set[str] = set()
    negated = False

    def build(item: Any, under_not: bool) -> Expression:
        nonlocal negated
        if isinstance(item, SigmaRuleReference):
            key = keys[item.reference]
            if not under_not:
                positive.add(key)
            return lambda present: key in present
        if isinstance(item, CorrelationConditionNOT):
            negated = True
            inner = build(item.args[0], not under_not)
            return lambda present: not inner(present)
        parts = [build(arg, under_not) for arg in item.args]
        if isinstance(item, CorrelationConditionAND):
            return lambda present: all(part(present) for part in parts)
        if isinstance(item, CorrelationConditionOR):
            return lambda present: any(part(present) for part in parts)
        raise ValueError(f"unsupported correlation condition element {type(item).__name__}")

    expression = build(node, False)
    return expression, frozenset(positive), negated


@dataclass(frozen=True)
class Occurrence:
    """One match counted by a correlation: a rule's event or an inner correlation's alert."""

    time: int
    input: str
    events: tuple[Event, ...]
    identity: int
    values: dict[str, Any] = field(default_factory=dict)


def occurrence_of_event(event: Event, time: int, input_key: str) -> Occurrence:
    """A plain rule's match as a correlation occurrence."""
    # Known shortcoming: group-by and condition fields are looked up by their exact name, so
    # a dotted name does not reach into nested objects here as it does in detections.
    return Occurrence(time, input_key, (event,), id(event), event.fields)


def occurrence_of_alert(alert: Alert, input_key: str) -> Occurrence:
    """An inner correlation's alert as an occurrence: its group values over its last event."""
    last_fields = dict(alert.events[-1].fields) if alert.events else {}
    last_fields.update(alert.group)
    assert alert.last is not None
    return Occurrence(alert.last, input_key, alert.events, id(alert), last_fields)


def evaluate_correlation(correlation: Correlation, occurrences: list[Occurrence]) -> list[Alert]:
    """Every window of the correlation that meets its condition, in time order per group."""
    groups: dict[tuple[str, ...], list[Occurrence]] = {}
    shown: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
    ungrouped = 0
    for occurrence in occurrences:
        fields = correlation.group_fields[occurrence.input]
        texts = [value_texts(occurrence.values.get(name)) for name in fields]
        if any(len(t) != 1 for t in texts):
            ungrouped += 1
            continue
        key = tuple(fold_case(t[0]) for t in texts)
        groups.setdefault(key, []).append(occurrence)
        shown.setdefault(key, tuple(zip(correlation.group_by, (t[0] for t in texts))))
    if ungrouped:
        logger.info("%s: %d matches lack a group-by value and belong to no group",
                    correlation.info.label(), ungrouped)

    alerts: list[Alert] = []
    for key, members in groups.items():
        members.sort(key=lambda o: o.time)
        windows = (_forward_windows(correlation, members) if correlation.looks_forward
                   else _backward_windows(correlation, members))
        for window, metric in windows:
            alerts.append(_alert(correlation, window, shown[key], metric))
    alerts.sort(key=lambda a: (a.last, a.group))
    return alerts


def _backward_windows(
    correlation: Correlation, members: list[Occurrence]
) -> list[tuple[list[Occurrence], float | None]]:
    # Known shortcoming: each window is measured afresh, so a group costs matches x window
    # size; a group with a hundred thousand matches inside one timespan evaluates slowly.
    found = []
    left = 0
    count = len(members)
    right = 0
    while right < count:
        anchor = members[right].time
        while right + 1 < count and members[right + 1].time == anchor:
            right += 1
        while members[left].time < anchor - correlation.timespan:
            left += 1
        window = members[left:right + 1]
        closing = [o for o in window if o.time == anchor]
        if any(_carries_value(correlation, o) for o in closing):
            outcome = _measure(correlation, window)
            if outcome is not None:
                found.append(outcome)
        right += 1
    return found


def _carries_value(correlation: Correlation, occurrence: Occurrence) -> bool:
    """Whether an occurrence can close a window: for the value types, only one with a value."""
    kind = correlation.kind
    if kind is SigmaCorrelationType.VALUE_COUNT:
        name = correlation.value_fields[occurrence.input]
        return bool(value_texts(occurrence.values.get(name)))
    if kind in _NUMERIC_KINDS:
        return _number(correlation, occurrence) is not None
    return True


def _forward_windows(
    correlation: Correlation, members: list[Occurrence]
) -> list[tuple[list[Occurrence], float | None]]:
    found = []
    horizon = members[-1].time
    anchors = sorted({o.time for o in members if o.input in correlation.positive_inputs})
    incomplete = 0
    for anchor in anchors:
        if anchor + correlation.timespan > horizon:
            incomplete += 1
            continue
        window = [o for o in members if anchor <= o.time <= anchor + correlation.timespan]
        outcome = _measure(correlation, window)
        if outcome is not None:
            found.append(outcome)
    if incomplete:
        # Known shortcoming: a window still open when the input ends is never reported, so
        # "a and not b" near the end of a log file stays silent.
        logger.info("%s: %d windows still open at the end of the input are not reported",
                    correlation.info.label(), incomplete)
    return found


def _measure(
    correlation: Correlation, window: list[Occurrence]
) -> tuple[list[Occurrence], float | None] | None:
    """The window's evidence and metric if it meets the condition, else None."""
    kind = correlation.kind
    if correlation.expression is not None:
        present = frozenset(o.input for o in window)
        if kind is SigmaCorrelationType.TEMPORAL_ORDERED:
            chain = _ordered_chain(window, [i for i in correlation.inputs
                                            if i in correlation.positive_inputs])
            if len(chain) < len(correlation.positive_inputs & present):
                return None
        if not correlation.expression(present):
            return None
        evidence = [o for o in window if o.input in correlation.positive_inputs]
        return evidence, float(len(present))

    assert correlation.threshold is not None
    if kind is SigmaCorrelationType.EVENT_COUNT:
        metric: float | None = float(len({o.identity for o in window}))
        evidence = window
    elif kind is SigmaCorrelationType.VALUE_COUNT:
        distinct = set()
        for o in window:
            name = correlation.value_fields[o.input]
            distinct.update(fold_case(t) for t in value_texts(o.values.get(name)))
        metric, evidence = float(len(distinct)), window
    elif kind is SigmaCorrelationType.TEMPORAL:
        metric, evidence = float(len({o.input for o in window})), window
    elif kind is SigmaCorrelationType.TEMPORAL_ORDERED:
        chain = _ordered_chain(window, list(correlation.inputs))
        metric, evidence = float(len(chain)), chain
    else:
        numbered = [(o, _number(correlation, o)) for o in window]
        evidence = [o for o, number in numbered if number is not None]
        numbers = sorted(number for _, number in numbered if number is not None)
        metric = _aggregate(kind, numbers, correlation.percentile)

    if not correlation.threshold.met(metric):
        return None
    return evidence, metric


def _number(correlation: Correlation, occurrence: Occurrence) -> float | None:
    name = correlation.value_fields[occurrence.input]
    number = numeric_value(occurrence.values.get(name)) if name else None
    return None if number is None else float(number)


def _aggregate(kind: SigmaCorrelationType, numbers: list[float],
               percentile: float | None) -> float | None:
    if not numbers:
        return None
    if kind is SigmaCorrelationType.VALUE_SUM:
        return float(sum(numbers))
    if kind is SigmaCorrelationType.VALUE_AVG:
        return float(sum(numbers)) / len(numbers)
    assert percentile is not None
    position = (len(numbers) - 1) * percentile / 100
    below = int(position)
    fraction = position - below
    above = min(below + 1, len(numbers) - 1)
    return numbers[below] * (1 - fraction) + numbers[above] * fraction


def _ordered_chain(window: list[Occurrence], order: list[str]) -> list[Occurrence]:
    """The longest sequence of occurrences of rules in `order`, skipping rules as needed,
    at strictly increasing times; among equals, the one ending earliest."""
    best: dict[int, list[Occurrence]] = {0: []}
    for key in order:
        candidates = [o for o in window if o.input == key]
        for length in sorted(best, reverse=True):
            chain = best[length]
            after = chain[-1].time if chain else None
            step = next((o for o in candidates if after is None or o.time > after), None)
            if step is None:
                continue
            extended = chain + [step]
            current = best.get(length + 1)
            if current is None or step.time < current[-1].time:
                best[length + 1] = extended
    return best[max(best)]


def _alert(correlation: Correlation, window: list[Occurrence],
           group: tuple[tuple[str, str], ...], metric: float | None) -> Alert:
    events: list[Event] = []
    seen: set[int] = set()
    for occurrence in sorted(window, key=lambda o: o.time):
        for event in occurrence.events:
            if id(event) not in seen:
                seen.add(id(event))
                events.append(event)
    times = [o.time for o in window]
    return Alert(correlation.info, tuple(events), min(times) if times else None,
                 max(times) if times else None, group, metric)
