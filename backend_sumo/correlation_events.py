"""The first stages of a correlation query: the events its base rules match, and the aliases.

Several base rules share one scope and one `json` stage, and each event is tagged with the base
rules it matched. An alias becomes one column, read from the first matched rule's field.
"""
from __future__ import annotations

from sigma.correlations import SigmaCorrelationRule

from .correlation_bases import Base, unsupported
from .correlation_columns import Field, field_name
from .search import FieldExtraction, SumoSearch


def event_stages(rule: SigmaCorrelationRule, bases: list[Base], tagged: bool) -> list[str]:
    """Scope, extraction and the filter to events any base rule matched, tagged per rule.

    A tag is `if(<condition>, 1, 0)` over the base rule's `where` condition: Sumo's `if`
    takes the same boolean expressions as `where` (its documented examples use `matches`,
    comparisons, `and`, `or` and `!`).
    """
    if len(bases) == 1:
        lines = bases[0].search.render().split("\n")
        if tagged:
            lines.append(f"| 1 as {bases[0].tag}")
        return lines

    scope = _common_scope(rule, bases)
    merged = SumoSearch(scope, _merged_extractions(rule, bases), None)
    lines = merged.render().split("\n")
    for base in bases:
        condition = base.search.condition
        tag = f"if({condition}, 1, 0)" if condition else "1"
        lines.append(f"| {tag} as {base.tag}")
    if all(base.search.condition for base in bases):
        lines.append("| where " + " or ".join(f"{base.tag} = 1" for base in bases))
    return lines


def _common_scope(rule: SigmaCorrelationRule, bases: list[Base]) -> str:
    """The one scope of all base rules; after the first pipe no event says which it matched."""
    scopes = list(dict.fromkeys(base.search.scope for base in bases))
    if len(scopes) > 1:
        raise unsupported(
            rule,
            f"base rules with different scopes {scopes} (set one sumo_scope for all of them)",
        )
    return scopes[0]


def _merged_extractions(
    rule: SigmaCorrelationRule, bases: list[Base]
) -> tuple[FieldExtraction, ...]:
    """Every field any base rule extracts, once; one name must mean one JSON path."""
    merged: dict[str, FieldExtraction] = {}
    for base in bases:
        for extraction in base.search.extractions:
            known = merged.setdefault(extraction.name.lower(), extraction)
            if known.path != extraction.path:
                raise unsupported(
                    rule,
                    f"the field '{extraction.name}' read from JSON path '{known.path}' by one "
                    f"base rule and '{extraction.path}' by another",
                )
    return tuple(merged.values())


def alias_stages(rule: SigmaCorrelationRule, bases: list[Base], fields: list[Field]) -> list[str]:
    """One column per alias, read from the field of the first base rule the event matched."""
    lines: list[str] = []
    done: set[str] = set()
    for f in fields:
        if f.name.lower() in done or f.name not in rule.aliases.aliases:
            continue
        done.add(f.name.lower())
        target = field_name(f.name, rule)
        if len(set(f.sources)) == 1:
            if f.sources[0].lower() != f.name.lower():
                lines.append(f"| {field_name(f.sources[0], rule)} as {target}")
            continue
        expression = field_name(f.sources[-1], rule)
        for base, source in reversed(list(zip(bases[:-1], f.sources[:-1]))):
            expression = f"if({base.tag} = 1, {field_name(source, rule)}, {expression})"
        lines.append(f"| {expression} as {target}")
    return lines
