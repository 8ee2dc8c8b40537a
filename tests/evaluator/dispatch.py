"""The rule index: which rules an event can possibly match, from its EventID and Channel.

After the processing pipeline, a rule for a Sysmon category carries `EventID: n` (and, with
the Sumo pipelines, `Channel: ...`) ANDed onto its condition. Such a rule is only tested on
events with that EventID and Channel; rules without such a constraint are tested on all.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionOR,
)
from sigma.types import SigmaCasedString, SigmaNumber, SigmaString

from .event import Event, fold_case, number_text

DISPATCH_FIELDS: tuple[str, ...] = ("EventID", "Channel")

T = TypeVar("T")
_CACHE_LIMIT = 4096
_SEVERAL = "\x00several values"
"""Dispatch text of a field holding a list: any constraint may be met, so all are admitted."""


def required_values(node: Any, field: str) -> frozenset[str] | None:
    """The folded texts `field` must equal for `node` to match, or None if unconstrained."""
    if isinstance(node, ConditionFieldEqualsValueExpression) and node.field == field:
        return _exact_text(node.value)

    if isinstance(node, ConditionOR):
        parts = [required_values(arg, field) for arg in node.args]
        if any(part is None for part in parts):
            return None
        return frozenset().union(*parts)  # type: ignore[arg-type]

    if isinstance(node, ConditionAND):
        found = None
        for arg in node.args:
            part = required_values(arg, field)
            if part is not None:
                found = part if found is None else found & part
        return found
    return None


def _exact_text(value: Any) -> frozenset[str] | None:
    if isinstance(value, SigmaNumber):
        return frozenset([number_text(value.number)])
    if (isinstance(value, SigmaString) and not isinstance(value, SigmaCasedString)
            and not value.contains_special() and not value.contains_placeholder()):
        return frozenset([fold_case("".join(value.s))])  # type: ignore[arg-type]
    return None


@dataclass(frozen=True)
class Constraint:
    """The folded values each dispatch field must take (None: any value)."""

    values: tuple[frozenset[str] | None, ...]

    def admits(self, key: tuple[str | None, ...]) -> bool:
        """Whether an event with these dispatch texts can satisfy the constraint."""
        return all(allowed is None or text is _SEVERAL or (text is not None and text in allowed)
                   for allowed, text in zip(self.values, key))


def constraint_of(trees: Sequence[Any]) -> Constraint:
    """The constraint of a rule whose conditions (ORed) are `trees`."""
    values = []
    for field in DISPATCH_FIELDS:
        parts = [required_values(tree, field) for tree in trees]
        values.append(None if any(p is None for p in parts)
                      else frozenset().union(*parts))  # type: ignore[arg-type]
    return Constraint(tuple(values))


class RuleIndex(Generic[T]):
    """Rules keyed by what their EventID and Channel constraints admit."""

    def __init__(self, entries: Sequence[tuple[Constraint, T]]) -> None:
        self._entries = list(entries)
        self._cache: dict[tuple[str | None, ...], tuple[T, ...]] = {}

    def candidates(self, event: Event) -> tuple[T, ...]:
        """The rules worth testing on `event`, in their original order."""
        key = tuple(_dispatch_text(event, field) for field in DISPATCH_FIELDS)
        found = self._cache.get(key)
        if found is None:
            found = tuple(rule for constraint, rule in self._entries if constraint.admits(key))
            if len(self._cache) < _CACHE_LIMIT:
                self._cache[key] = found
        return found


def _dispatch_text(event: Event, field: str) -> str | None:
    texts = event.folded(field)
    if len(texts) == 1:
        return texts[0]
    return _SEVERAL if texts else None
