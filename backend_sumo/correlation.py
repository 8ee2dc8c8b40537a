"""Sigma correlation rules as one Sumo Logic aggregation over the searches of their base rules.

The query reads top to bottom the way an analyst writes one; each part has its own module:

1. events (`correlation_events`): the base rules' scope and `json` stage, then the single base
   rule's `where`, or one `if(<condition>, 1, 0) as match_<rule>` tag per base rule and a
   `where` keeping events that any base rule matched;
2. aliases (`correlation_events`): one column per alias, read from the field each base rule
   names for it;
3. windows (`correlation_windows`, with why fixed windows stand in for a sliding timespan):
   every event copied once per window phase, and the start of its window computed;
4. the aggregate (`correlation_aggregate`) by window phase, window and group-by fields, then
   the correlation condition (`correlation_condition`);
5. triage columns (`correlation_triage`): first seen, last seen, the group fields and the
   counts, newest first.

The base rules and their column names are in `correlation_bases`; the fields the query reads
from them, their aliases and the checks on their names, in `correlation_columns`.

`render_correlation` builds the query; `correlation_fields` tells a caller which fields each
base rule's search must extract for it.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

from sigma.correlations import SigmaCorrelationRule

from .correlation_aggregate import (
    TEMPORAL_TYPES,
    aggregate_stage,
    post_aggregate_stages,
    pre_aggregate_stages,
    value_stages,
)
from .correlation_bases import base_rules, label, rule_references
from .correlation_columns import check_extracted, check_names, resolve_field, value_field
from .correlation_condition import condition_expression
from .correlation_events import alias_stages, event_stages
from .correlation_triage import triage_stages
from .correlation_windows import window_stages
from .search import SumoSearch

logger = logging.getLogger(__name__)


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
    lines.append(f"| where {condition_expression(rule, bases)}")
    lines += triage_stages(rule, bases, groups)
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
