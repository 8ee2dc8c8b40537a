"""The parsed form of a Sumo query: the scope, then one node per pipe stage.

Expression nodes are the ones a `where` condition is built from, so an interpreter of the
conditions can walk them without reading query text again.
"""
from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class ScopeTerm:
    """A keyword (`value` alone) or a metadata test (`field=value` or `field!=value`)."""

    value: str
    quoted: bool
    field: str | None = None
    negated_equals: bool = False


@dataclass(frozen=True)
class ScopeNot:
    operand: "ScopeExpr"


@dataclass(frozen=True)
class ScopeAnd:
    operands: tuple["ScopeExpr", ...]


@dataclass(frozen=True)
class ScopeOr:
    operands: tuple["ScopeExpr", ...]


ScopeExpr = Union[ScopeTerm, ScopeNot, ScopeAnd, ScopeOr]


@dataclass(frozen=True)
class Field:
    """A field reference, bare (`Image`) or quoted (`%"Some-Field"`)."""

    name: str


@dataclass(frozen=True)
class String:
    value: str


@dataclass(frozen=True)
class Number:
    """A numeric literal as written (sign included), for example `-1` or `4.5`."""

    text: str


@dataclass(frozen=True)
class Regex:
    """A `/.../` literal; `pattern` is the text between the slashes (RE2 syntax)."""

    pattern: str


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple["Expr", ...]


@dataclass(frozen=True)
class Arithmetic:
    """`left <operator> right` with one of `+ - * / %`."""

    operator: str
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class Compare:
    """`left <operator> right` with one of `= == != <> < <= > >=`."""

    operator: str
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class Matches:
    """`subject matches "wildcard*"` or `subject matches /regex/`."""

    subject: "Expr"
    pattern: String | Regex


@dataclass(frozen=True)
class In:
    """`subject in ("a", "b")`."""

    subject: "Expr"
    values: tuple[String | Number, ...]


@dataclass(frozen=True)
class Not:
    operand: "Expr"


@dataclass(frozen=True)
class And:
    operands: tuple["Expr", ...]


@dataclass(frozen=True)
class Or:
    operands: tuple["Expr", ...]


Expr = Union[
    Field, String, Number, Regex, Call, Arithmetic, Compare, Matches, In, Not, And, Or
]


@dataclass(frozen=True)
class JsonStage:
    """`json [field=<source>] "path", ... [as name, ...] [nodrop]`."""

    source: str | None
    paths: tuple[str, ...]
    names: tuple[str, ...]
    nodrop: bool


@dataclass(frozen=True)
class ParseRegexStage:
    """`parse regex [field=<source>] "pattern" [multi]`; `names` are its named groups."""

    source: str | None
    pattern: str
    names: tuple[str, ...]
    multi: bool


@dataclass(frozen=True)
class WhereStage:
    condition: Expr


@dataclass(frozen=True)
class AssignStage:
    """`<expression> as <name>`, for example `if(a, 1, 0) as hit`."""

    expression: Expr
    name: str


@dataclass(frozen=True)
class TimesliceStage:
    """`timeslice 5m [as name]`."""

    span: str
    name: str | None


@dataclass(frozen=True)
class Aggregate:
    """One aggregate of a grouping stage, for example `count_distinct(Image) as images`."""

    function: str
    arguments: tuple[Expr, ...]
    name: str | None


@dataclass(frozen=True)
class AggregateStage:
    aggregates: tuple[Aggregate, ...]
    group_by: tuple[str, ...]


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool


@dataclass(frozen=True)
class SortStage:
    keys: tuple[SortKey, ...]


@dataclass(frozen=True)
class FieldsStage:
    """`fields a, b` keeps the named fields; `fields - a, b` drops them."""

    names: tuple[str, ...]
    remove: bool


Stage = Union[
    JsonStage,
    ParseRegexStage,
    WhereStage,
    AssignStage,
    TimesliceStage,
    AggregateStage,
    SortStage,
    FieldsStage,
]


@dataclass(frozen=True)
class Query:
    scope: ScopeExpr
    stages: tuple[Stage, ...]
