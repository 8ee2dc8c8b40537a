"""A pySigma condition tree as the boolean expression of a Sumo `where` stage.

Every comparison on a field is guarded by `!isNull(field)`: whether Sumo treats a comparison
with a missing field as false, as unknown, or as a comparison with an empty string, the guarded
comparison is false, and its negation true, as Sigma requires.
"""
from dataclasses import dataclass, field

from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionItem,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.exceptions import SigmaConditionError, SigmaFeatureNotSupportedByBackendError
from sigma.types import (
    CompareOperators,
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaQueryExpression,
    SigmaRegularExpression,
    SigmaString,
    SigmaTimestampPart,
    SigmaType,
)

from .cidr import network_regex
from .expressions import Atom, Expression, Negation, conjunction, disjunction
from .fields import FieldTable
from .keywords import keyword_search
from .literals import NUMBER_SHAPE, number_text, quoted, regex_literal, strings_match
from .regex import search_regex

Node = ConditionItem | ConditionFieldEqualsValueExpression | ConditionValueExpression | None

COMPARISONS = {
    CompareOperators.LT: "<",
    CompareOperators.LTE: "<=",
    CompareOperators.GT: ">",
    CompareOperators.GTE: ">=",
    CompareOperators.NEQ: "!=",
}
# From this magnitude on a float no longer holds every integer.
LARGEST_EXACT = 2**53


@dataclass
class ConditionRenderer:
    """Renders one rule condition; `fields` collects the fields it uses."""

    fields: FieldTable = field(default_factory=FieldTable)

    def render(self, node: Node) -> Expression:
        """The expression for a node of the condition tree."""
        match node:
            case None:
                raise SigmaConditionError(
                    "a '1 of' or 'all of' quantifier in the condition selects no detection"
                )
            case ConditionAND():
                return conjunction([self.render(arg) for arg in node.args])
            case ConditionOR():
                return self._disjunction(node)
            case ConditionNOT():
                return Negation(self.render(node.args[0]))
            case ConditionFieldEqualsValueExpression():
                return self._field_condition(node.field, [node.value])
            case ConditionValueExpression():
                return self._keyword(node.value)
        raise TypeError(f"unexpected condition node {type(node).__name__}")

    def _disjunction(self, node: ConditionOR) -> Expression:
        """An OR; values tested on one field share a single null guard."""
        args = node.args
        if all(isinstance(arg, ConditionFieldEqualsValueExpression) for arg in args):
            names = {arg.field for arg in args}
            if len(names) == 1:
                return self._field_condition(names.pop(), [arg.value for arg in args])
        return disjunction([self.render(arg) for arg in args])

    def _field_condition(self, sigma_field: str, values: list[SigmaType]) -> Expression:
        """Sigma field `sigma_field` matches any of `values`."""
        if any(isinstance(value, SigmaExpansion) for value in values):
            values = [item for value in values for item in _expanded(value)]
        alias = self.fields.alias(sigma_field)

        alternatives: list[Expression] = []
        texts: list[tuple[SigmaString, bool]] = []
        others: list[SigmaType] = []
        for value in values:
            # Plain strings, by far the most common values, skip the isinstance checks below.
            kind = type(value)
            if kind is SigmaString or kind is SigmaCasedString:
                texts.append((value, kind is SigmaCasedString))
            elif _needs_no_guard(value):
                alternatives.append(self._unguarded(alias, value))
            elif (text := _as_text(value)) is not None:
                texts.append(text)
            else:
                others.append(value)

        if texts or others:
            tests: list[Expression] = [Atom(test) for test in strings_match(alias, texts)]
            tests += [self._test(alias, value) for value in others]
            alternatives.append(conjunction([Atom(f"!isNull({alias})"), disjunction(tests)]))
        return disjunction(alternatives)

    def _unguarded(self, alias: str, value: SigmaType) -> Expression:
        """Predicates that hold their own meaning for a missing field."""
        match value:
            case SigmaNull():
                return Atom(f"isNull({alias})")
            case SigmaExists():
                # Known gap: `isNull` is also true for a JSON null, which Sigma counts as present.
                return Atom(f"!isNull({alias})" if value.exists else f"isNull({alias})")
            case SigmaFieldReference():
                return self._field_reference(alias, value)
            case SigmaQueryExpression():
                return Atom("(" + value.finalize(alias) + ")")
        raise TypeError(f"unexpected value {type(value).__name__}")

    def _test(self, alias: str, value: SigmaType) -> Expression:
        """The comparison of the field with one value, assuming the field is present."""
        match value:
            case SigmaBool():
                return Atom(f"toLowerCase({alias}) = {quoted(str(value.boolean).lower())}")
            case SigmaTimestampPart():
                raise SigmaFeatureNotSupportedByBackendError(
                    f"the {value.timestamp_part.name.lower()} modifier is not supported: "
                    "event fields hold timestamps as text, not as parts of a date"
                )
            case SigmaRegularExpression():
                return Atom(f"{alias} matches {regex_literal(search_regex(value))}")
            case SigmaCIDRExpression():
                return Atom(f"{alias} matches {regex_literal(network_regex(value.network))}")
            case SigmaCompareExpression():
                shape = Atom(f"{alias} matches {NUMBER_SHAPE}")
                bound = _exact_number(value.number)
                compare = Atom(f"num({alias}) {COMPARISONS[value.op]} {bound}")
                return conjunction([shape, compare])
        raise SigmaFeatureNotSupportedByBackendError(
            f"values of type {type(value).__name__} are not supported"
        )

    def _field_reference(self, alias: str, value: SigmaFieldReference) -> Expression:
        """The field equals the referenced field, ignoring case; both must be present."""
        if value.starts_with or value.ends_with:
            raise SigmaFeatureNotSupportedByBackendError(
                "fieldref combined with startswith, endswith or contains is not supported"
            )
        other = self.fields.alias(value.field)
        return conjunction(
            [
                Atom(f"!isNull({alias})"),
                Atom(f"!isNull({other})"),
                Atom(f"toLowerCase({alias}) = toLowerCase({other})"),
            ]
        )

    def _keyword(self, value: SigmaType) -> Expression:
        """A value without a field, searched in the raw event."""
        match value:
            case SigmaExpansion():
                return disjunction([self._keyword(item) for item in value.values])
            case SigmaString():
                return Atom(keyword_search(value))
            case SigmaNumber():
                return Atom(keyword_search(SigmaString(_exact_number(value))))
            case SigmaQueryExpression():
                return Atom("(" + value.finalize() + ")")
        raise SigmaFeatureNotSupportedByBackendError(
            f"a {type(value).__name__} value without a field is not supported: "
            "only strings and numbers can be searched in the raw event"
        )


def _exact_number(value: SigmaNumber) -> str:
    """The number's plain decimal text, when pySigma can have kept the number the rule wrote.

    pySigma holds a number as a float unless it equals an integer, so from 2**53 on it may have
    rounded it (`12345678901234567890123` arrives as `...68000000`): such a number is refused.
    """
    number = value.number
    if abs(number) >= LARGEST_EXACT:
        raise SigmaFeatureNotSupportedByBackendError(
            f"the number {number_text(number)} is at least 2**53, where pySigma may have rounded "
            "what the rule wrote; quote the value to compare its text"
        )
    return number_text(number)


def _expanded(value: SigmaType) -> list[SigmaType]:
    """The values an expansion (windash, base64offset) stands for, or the value itself."""
    if isinstance(value, SigmaExpansion):
        return [item for inner in value.values for item in _expanded(inner)]
    return [value]


def _needs_no_guard(value: SigmaType) -> bool:
    """Whether the value's predicate is meaningful for a missing field as it is."""
    return isinstance(value, (SigmaNull, SigmaExists, SigmaFieldReference, SigmaQueryExpression))


def _as_text(value: SigmaType) -> tuple[SigmaString, bool] | None:
    """A value compared as a string, with whether it is cased; None for every other value.

    Numbers are compared as their plain decimal text (`_exact_number`), exactly: parsed field
    values are text.
    """
    if isinstance(value, SigmaTimestampPart):
        return None
    if isinstance(value, SigmaString):
        return value, isinstance(value, SigmaCasedString)
    if isinstance(value, SigmaNumber):
        return SigmaString(_exact_number(value)), True
    return None
