"""The rules a correlation references (its base rules), each with its search and column names.

Errors about a correlation name it the same way everywhere: by title and id, through `label`.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sigma.correlations import (
    SigmaCorrelationRule,
    SigmaExtendedCorrelationCondition,
    SigmaRuleReference,
)
from sigma.exceptions import SigmaBackendError, SigmaFeatureNotSupportedByBackendError

from .search import SumoSearch


@dataclass(frozen=True)
class Base:
    """One referenced rule: how the correlation names it, its search, its column names.

    Its `tag` is 1 on the events it matched, `seen` 1 on the windows where it matched, and
    `first` and `last` hold its first and last time in a window (ordered correlations).
    """

    reference: SigmaRuleReference
    search: SumoSearch
    stem: str

    @property
    def tag(self) -> str:
        return f"match_{self.stem}"

    @property
    def seen(self) -> str:
        return f"seen_{self.stem}"

    @property
    def first(self) -> str:
        return f"first_{self.stem}_ms"

    @property
    def last(self) -> str:
        return f"last_{self.stem}_ms"

    def columns(self) -> tuple[str, ...]:
        """Every column the query computes for this rule."""
        return (
            self.tag,
            self.seen,
            self.first,
            self.last,
            f"t_first_{self.stem}",
            f"t_last_{self.stem}",
        )


def label(rule: SigmaCorrelationRule) -> str:
    """The correlation rule as error messages name it."""
    return f"correlation rule '{rule.title}' ({rule.id or 'no id'})"


def unsupported(rule: SigmaCorrelationRule, feature: str) -> SigmaFeatureNotSupportedByBackendError:
    """The error for a `feature` of the correlation that Sumo Logic search cannot express."""
    return SigmaFeatureNotSupportedByBackendError(
        f"Sumo Logic search cannot express {feature} in {label(rule)}", source=rule.source
    )


def rule_references(rule: SigmaCorrelationRule) -> list[SigmaRuleReference]:
    """The rules the correlation references, in the order it lists them, each once."""
    if rule.referenced_rules:
        listed = list(rule.referenced_rules)
    elif rule.rules is not None:
        listed = list(rule.rules)
    elif isinstance(rule.condition, SigmaExtendedCorrelationCondition):
        listed = [SigmaRuleReference(r) for r in rule.condition.get_referenced_rules()]
    else:
        listed = []

    unique: list[SigmaRuleReference] = []
    for reference in listed:
        if reference.reference not in {u.reference for u in unique}:
            unique.append(reference)
    for reference in unique:
        if isinstance(getattr(reference, "rule", None), SigmaCorrelationRule):
            raise unsupported(rule, f"a correlation of the correlation '{reference.reference}'")
    return unique


def reference_names(reference: SigmaRuleReference) -> set[str]:
    """Every way a correlation may name this rule: as written, its name and its id."""
    names = {reference.reference}
    resolved = getattr(reference, "rule", None)
    if resolved is not None:
        names.update(str(n) for n in (resolved.name, resolved.id) if n is not None)
    return names


def base_rules(
    rule: SigmaCorrelationRule,
    references: list[SigmaRuleReference],
    searches: Sequence[tuple[str, SumoSearch]],
) -> list[Base]:
    """Pair each reference with its search and give it column names of its own."""
    by_reference = dict(searches)
    unknown = set(by_reference) - {r.reference for r in references}
    if unknown:
        raise SigmaBackendError(
            f"searches given for rules {sorted(unknown)} that {label(rule)} does not reference",
            source=rule.source,
        )

    bases: list[Base] = []
    stems: set[str] = set()
    for reference in references:
        if reference.reference not in by_reference:
            raise SigmaBackendError(
                f"no search given for rule '{reference.reference}' referenced by {label(rule)}",
                source=rule.source,
            )
        stem = re.sub(r"[^0-9a-z]+", "_", reference.reference.lower()).strip("_") or "rule"
        unique, n = stem, 1
        while unique in stems:
            n += 1
            unique = f"{stem}_{n}"
        stems.add(unique)
        bases.append(Base(reference, by_reference[reference.reference], unique))
    return bases
