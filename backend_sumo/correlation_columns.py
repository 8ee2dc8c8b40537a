"""The columns of a correlation query: those it reads from the base rules, those it computes.

A correlation groups by fields and may aggregate one value field; an alias among them reads a
different field in each base rule. The checks here refuse names the query cannot write, names
it computes itself, and fields a base rule's search does not extract.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sigma.correlations import (
    SigmaCorrelationCondition,
    SigmaCorrelationRule,
    SigmaCorrelationType,
    SigmaRuleReference,
)
from sigma.exceptions import SigmaBackendError, SigmaCorrelationRuleError

from .correlation_bases import Base, label, reference_names, unsupported
from .fields import SUMO_WORDS
from .layouts import json_path
from .search import FieldExtraction, SumoSearch

# The column that the correlation condition compares, per type without a rule tag.
CONDITION_COLUMNS = {
    SigmaCorrelationType.EVENT_COUNT: "event_count",
    SigmaCorrelationType.VALUE_COUNT: "value_count",
    SigmaCorrelationType.VALUE_SUM: "value_sum",
    SigmaCorrelationType.VALUE_AVG: "value_avg",
    SigmaCorrelationType.VALUE_PERCENTILE: "value_percentile",
    SigmaCorrelationType.VALUE_MEDIAN: "value_median",
}

# Columns every correlation query computes; rule fields must not share these names.
COMPUTED_COLUMNS = frozenset(
    {
        "event_count",
        "first_seen_ms",
        "last_seen_ms",
        "first_seen",
        "last_seen",
        "window_phases",
        "window_phase",
        "window_start_ms",
        "window_start",
        "avg_gap_ms",
        "value_number",
        "rules_matched",
        *CONDITION_COLUMNS.values(),
    }
)

PLAIN_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
UNSAFE_IN_QUOTED_FIELD = re.compile(r"[\\\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Field:
    """A column the query groups by or aggregates, and the field it reads in each base rule."""

    name: str
    sources: tuple[str, ...]


def field_name(name: str, rule: SigmaCorrelationRule) -> str:
    """A field name as Sumo query text: bare if a plain identifier, else `%"name"`.

    Sumo documents `%"..."` for names outside `a-zA-Z0-9_` (and names starting with a digit),
    with `\\"` for a quote inside. It does not document how a backslash or a control character
    inside `%"..."` reads, so such names are refused rather than guessed. The query words the
    `where` stage avoids (`fields.SUMO_WORDS`) are quoted as well, so that a field called `by`
    or `where` cannot read as part of the syntax.
    """
    if PLAIN_FIELD.fullmatch(name) and name.lower() not in SUMO_WORDS:
        return name
    if UNSAFE_IN_QUOTED_FIELD.search(name):
        raise unsupported(rule, f"the field name {name!r} (backslash or control character)")
    escaped = name.replace('"', '\\"')
    return f'%"{escaped}"'


def resolve_field(
    rule: SigmaCorrelationRule, name: str, references: list[SigmaRuleReference]
) -> Field:
    """A group-by or value field; an alias reads, per rule, the field its mapping names."""
    alias = rule.aliases.aliases.get(name)
    if alias is None:
        return Field(name, tuple(name for _ in references))

    known = set().union(*(reference_names(r) for r in references))
    strays = sorted(r.reference for r in alias.mapping if r.reference not in known)
    if strays:
        raise SigmaCorrelationRuleError(
            f"alias '{name}' of {label(rule)} maps rules {strays} it does not reference",
            source=rule.source,
        )

    sources = []
    for reference in references:
        names = reference_names(reference)
        mapped = [f for r, f in alias.mapping.items() if r.reference in names]
        if not mapped:
            raise SigmaCorrelationRuleError(
                f"alias '{name}' of {label(rule)} names no field for rule "
                f"'{reference.reference}'",
                source=rule.source,
            )
        sources.append(mapped[0])
    return Field(name, tuple(sources))


def value_field(rule: SigmaCorrelationRule, references: list[SigmaRuleReference]) -> Field | None:
    """The field whose values the condition counts, sums, averages or ranks, if any."""
    if rule.type not in CONDITION_COLUMNS or rule.type == SigmaCorrelationType.EVENT_COUNT:
        return None
    condition = rule.condition
    assert isinstance(condition, SigmaCorrelationCondition)
    fieldref = condition.fieldref
    if isinstance(fieldref, list):
        if len(fieldref) != 1:
            raise unsupported(rule, f"a {rule.type.name.lower()} over several fields {fieldref}")
        fieldref = fieldref[0]
    assert fieldref is not None
    return resolve_field(rule, fieldref, references)


def check_names(rule: SigmaCorrelationRule, bases: list[Base], fields: list[Field]) -> None:
    """Refuse rule fields that share a name with a column the query computes.

    Sumo field names are compared without regard to case, so the check is too.
    """
    computed = set(COMPUTED_COLUMNS).union(*(b.columns() for b in bases))
    named = {f.name for f in fields} | {s for f in fields for s in f.sources}
    for name in named:
        field_name(name, rule)
    extracted = {e.name for b in bases for e in b.search.extractions}
    for name in sorted(named | extracted):
        if name.lower() in computed:
            raise unsupported(rule, f"the field '{name}', named like a column the query computes")


def _same_field(extracted: str, wanted: str, rule: SigmaCorrelationRule) -> bool:
    """Whether an extraction's name is the field a correlation asks for (any case, any quoting)."""
    candidates = {wanted.lower(), field_name(wanted, rule).lower()}
    return extracted.lower() in candidates


def with_extracted(
    search: SumoSearch, fields: tuple[str, ...], rule: SigmaCorrelationRule
) -> SumoSearch:
    """The search, also extracting the fields a correlation groups by or aggregates.

    Each added field is named as the correlation's stages write it (`%"src-ip"` for a name
    that is no plain identifier), so that they read the field the search extracted.
    """
    missing = [
        name for name in fields
        if not any(_same_field(extraction.name, name, rule) for extraction in search.extractions)
    ]
    if not missing or search.layout is None:
        return search
    added = tuple(
        FieldExtraction(json_path(search.layout, name), field_name(name, rule)) for name in missing
    )
    return replace(search, extractions=search.extractions + added)


def check_extracted(rule: SigmaCorrelationRule, bases: list[Base], fields: list[Field]) -> None:
    """Each base rule's search must extract the fields the correlation reads from it."""
    for index, base in enumerate(bases):
        for source in (f.sources[index] for f in fields):
            if source.startswith("_"):
                continue
            if not any(_same_field(e.name, source, rule) for e in base.search.extractions):
                raise SigmaBackendError(
                    f"the search of rule '{base.reference.reference}' does not extract the "
                    f"field '{source}' that {label(rule)} groups or aggregates by",
                    source=rule.source,
                )
