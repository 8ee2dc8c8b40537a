"""Required literals: text that must appear in an event's raw JSON line if a rule matches it.

A rule's requirement is a conjunction of clauses, each clause a set of literals of which at
least one must occur in the line. It is derived from the same condition tree the matchers are
compiled from, leaf by leaf, under the matching semantics of `values.py` and `event.py`:

- a string pattern's literal parts occur, case-folded unless `cased`, in the field's text;
- a number occurs as its digits, a boolean as `true`/`false`;
- a case-sensitive regular expression's mandatory literal runs occur in the text;
- NOT, null, exists, cidr, comparisons, field references and case-insensitive regexes
  require nothing.

Text occurs in the raw line JSON-encoded: a backslash is written `\\\\`, a quote `\\"`. A literal
is cut at `/` and control characters (which an encoder may escape in several ways); lines with
`\\u` escapes are never skipped (see `prefilter.py`). An empty requirement means "cannot tell".
"""
from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from dataclasses import dataclass
from typing import Any

from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.types import (
    SigmaBool,
    SigmaCasedString,
    SigmaExpansion,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaRegularExpressionFlag,
    SigmaString,
    SigmaType,
)

from .event import fold_case
from .values import (
    Placeholders,
    keyword_text,
    resolve_placeholders,
    resolve_regex_placeholders,
)


@dataclass(frozen=True, order=True)
class Literal:
    """A byte string searched in the raw line: lower-cased line when `folded`, else as is."""

    raw: bytes
    folded: bool


Clause = frozenset[Literal]
Requirement = tuple[Clause, ...]

_CUT = re.compile(r"[/\x00-\x1f]")


def encode_literal(text: str, folded: bool) -> Literal | None:
    """The longest piece of `text` that appears verbatim in a JSON line holding it."""
    pieces = [p for p in _CUT.split(text) if p]
    if not pieces:
        return None
    piece = max(pieces, key=len)
    encoded = piece.replace("\\", "\\\\").replace('"', '\\"').encode("utf-8")
    return Literal(encoded, folded)


def requirement(node: Any, placeholders: Placeholders) -> Requirement:
    """What must occur in the raw line of any event the condition tree `node` matches."""
    if isinstance(node, ConditionAND):
        clauses = (clause for arg in node.args for clause in requirement(arg, placeholders))
        return tuple(dict.fromkeys(clauses))

    if isinstance(node, ConditionOR):
        return either([requirement(arg, placeholders) for arg in node.args])

    if isinstance(node, (ConditionFieldEqualsValueExpression, ConditionValueExpression)):
        return _value_requirement(node.value, placeholders)

    if isinstance(node, ConditionNOT):
        return ()
    return ()


def either(alternatives: list[Requirement]) -> Requirement:
    """The requirement of an OR: the best clause of each alternative, merged into one."""
    if not alternatives or any(not alt for alt in alternatives):
        return ()
    if len(alternatives) == 1:
        return alternatives[0]
    merged = frozenset(lit for alt in alternatives for lit in best_clause(alt))
    return (simplify(merged),)


def simplify(clause: Clause) -> Clause:
    """The clause without literals that contain another one searched the same way.

    A line holding `" -enc "` holds `"enc "`, so a clause offering both needs only the shorter.
    """
    return frozenset(
        lit for lit in clause
        if not any(other != lit and other.folded == lit.folded and other.raw in lit.raw
                   for other in clause)
    )


def best_clause(req: Requirement) -> Clause:
    """The clause likely cheapest to check and rarest: fewest literals, then longest."""
    return min(req, key=lambda clause: (len(clause), -min(len(lit.raw) for lit in clause)))


def _value_requirement(value: SigmaType, placeholders: Placeholders) -> Requirement:
    if isinstance(value, SigmaExpansion):
        return either([_value_requirement(v, placeholders) for v in value.values])

    if isinstance(value, SigmaString):
        cased = isinstance(value, SigmaCasedString)
        return either([_string_requirement(s, cased)
                       for s in resolve_placeholders(value, placeholders)])

    if isinstance(value, SigmaRegularExpression):
        return either([_regex_requirement(r)
                       for r in resolve_regex_placeholders(value, placeholders)])

    if isinstance(value, (SigmaNumber, SigmaBool)):
        literal = encode_literal(keyword_text(value), folded=isinstance(value, SigmaBool))
        return (frozenset([literal]),) if literal else ()
    return ()


def _string_requirement(value: SigmaString, cased: bool) -> Requirement:
    clauses = []
    for part in value.s:
        if isinstance(part, str):
            literal = encode_literal(part if cased else fold_case(part), folded=not cased)
            if literal:
                clauses.append(frozenset([literal]))
    return tuple(clauses)


def _regex_requirement(value: SigmaRegularExpression) -> Requirement:
    if SigmaRegularExpressionFlag.IGNORECASE in value.flags:
        return ()
    try:
        parsed = sre_parse.parse(str(value.regexp))
    except re.error:
        return ()
    if parsed.state.flags & re.IGNORECASE:
        return ()

    clauses = []
    for runs in _sequence_clauses(list(parsed)):
        literals = [encode_literal(run, folded=False) for run in runs]
        if all(literals):
            clauses.append(simplify(frozenset(lit for lit in literals if lit)))
    return tuple(clauses)


def _sequence_clauses(items: list[Any]) -> list[frozenset[str]]:
    """Clauses of literal runs, one run of each clause present in every match of `items`."""
    clauses: list[frozenset[str]] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            clauses.append(frozenset(["".join(current)]))
            current.clear()

    for op, arg in items:
        if op is sre.LITERAL:
            current.append(chr(arg))
            continue
        flush()
        if op is sre.SUBPATTERN:
            _group, add_flags, _del_flags, inner = arg
            if not add_flags & re.IGNORECASE:
                clauses.extend(_sequence_clauses(list(inner)))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, inner = arg
            if low >= 1:
                clauses.extend(_sequence_clauses(list(inner)))
        elif op is sre.BRANCH:
            branches = [_sequence_clauses(list(branch)) for branch in arg[1]]
            if branches and all(branches):
                chosen = [min(branch, key=lambda c: (len(c), -min(map(len, c))))
                          for branch in branches]
                clauses.append(frozenset(run for clause in chosen for run in clause))
    flush()
    return clauses
