"""Every field a stage reads must exist at that stage: Sumo rejects a query naming a missing one.

Fields come from the message's built-in metadata, from `json` and `parse regex` extractions,
assignments and `timeslice`; a grouping stage keeps only its group-by fields and its aggregates,
and `fields` only the fields it names. Sumo field names are compared without regard to case, as
Sumo does.
"""
from collections.abc import Iterator

from .nodes import (
    AggregateStage,
    And,
    Arithmetic,
    AssignStage,
    Call,
    Compare,
    Expr,
    Field,
    FieldsStage,
    In,
    JsonStage,
    Matches,
    Not,
    Or,
    ParseRegexStage,
    Query,
    SortStage,
    TimesliceStage,
    WhereStage,
)

# Built-in metadata of every message.
BUILT_IN_FIELDS = frozenset(
    name.lower()
    for name in (
        "_raw", "_messageTime", "_receiptTime", "_sourceCategory", "_source", "_sourceHost",
        "_sourceName", "_collector", "_size", "_format", "_view", "_index",
    )
)

# The field an aggregate without `as` writes; `pct` names its output after its arguments.
DEFAULT_AGGREGATE_NAMES = {
    "count": "_count",
    "count_distinct": "_count_distinct",
    "min": "_min",
    "max": "_max",
    "sum": "_sum",
    "avg": "_avg",
}


class UndefinedFieldError(ValueError):
    """A stage reads a field that does not exist there; `stage` counts stages from 1.

    `dropped_by` names the earlier stage that removed the field, if one did.
    """

    def __init__(self, field: str, stage: int, dropped_by: str | None = None) -> None:
        self.field = field
        self.stage = stage
        why = f"{dropped_by} does not keep" if dropped_by else "no earlier stage defines"
        super().__init__(f"stage {stage} reads the field {field!r}, which {why}")


def check_field_references(query: Query) -> None:
    """Raise UndefinedFieldError for the first field read where it does not exist."""
    defined: set[str] | None = set(BUILT_IN_FIELDS)
    dropped_by: dict[str, str] = {}

    for number, stage in enumerate(query.stages, start=1):
        if defined is None:
            return

        for name in _reads(stage):
            if name.lower() not in defined:
                raise UndefinedFieldError(name, number, dropped_by.get(name.lower()))

        after = _defined_after(stage, defined)
        if after is not None:
            remover = "the `fields` list" if isinstance(stage, FieldsStage) else "the aggregation"
            dropped_by.update((name, f"{remover} in stage {number}") for name in defined - after)
        defined = after


def _reads(stage: object) -> Iterator[str]:
    """The field names a stage reads."""
    if isinstance(stage, (JsonStage, ParseRegexStage)):
        yield stage.source or "_raw"
    elif isinstance(stage, WhereStage):
        yield from _fields(stage.condition)
    elif isinstance(stage, AssignStage):
        yield from _fields(stage.expression)
    elif isinstance(stage, AggregateStage):
        for aggregate in stage.aggregates:
            for argument in aggregate.arguments:
                yield from _fields(argument)
        yield from stage.group_by
    elif isinstance(stage, SortStage):
        yield from (key.field for key in stage.keys)
    elif isinstance(stage, FieldsStage):
        yield from stage.names


def _defined_after(stage: object, defined: set[str]) -> set[str] | None:
    """The fields that exist after the stage; None when they cannot be known."""
    if isinstance(stage, JsonStage):
        names = stage.names or tuple(path.rsplit(".", 1)[-1] for path in stage.paths)
        return defined | {name.lower() for name in names}
    if isinstance(stage, ParseRegexStage):
        return defined | {name.lower() for name in stage.names}
    if isinstance(stage, AssignStage):
        return defined | {stage.name.lower()}
    if isinstance(stage, TimesliceStage):
        return defined | {(stage.name or "_timeslice").lower()}
    if isinstance(stage, AggregateStage):
        kept = {name.lower() for name in stage.group_by}
        for aggregate in stage.aggregates:
            name = aggregate.name or DEFAULT_AGGREGATE_NAMES.get(aggregate.function)
            if name is None:
                # Shortcoming: `pct` without `as` ends the check for every later stage.
                return None
            kept.add(name.lower())
        return kept
    if isinstance(stage, FieldsStage):
        named = {name.lower() for name in stage.names}
        return defined - named if stage.remove else named
    return defined


def _fields(node: Expr) -> Iterator[str]:
    """Every field an expression reads, in order."""
    if isinstance(node, Field):
        yield node.name
    elif isinstance(node, Call):
        for argument in node.arguments:
            yield from _fields(argument)
    elif isinstance(node, (Arithmetic, Compare)):
        yield from _fields(node.left)
        yield from _fields(node.right)
    elif isinstance(node, (Matches, In)):
        yield from _fields(node.subject)
    elif isinstance(node, Not):
        yield from _fields(node.operand)
    elif isinstance(node, (And, Or)):
        for operand in node.operands:
            yield from _fields(operand)
