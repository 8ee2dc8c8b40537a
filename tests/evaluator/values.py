"""Value matching: one Sigma detection value, bound to a field or not, becomes a predicate.

pySigma has already applied the modifiers when a rule reaches this module: `contains`,
`startswith`, `endswith`, `windash`, `base64`, `base64offset`, `wide` and `expand` turn into
SigmaString values (with wildcards and placeholders as parts) or SigmaExpansion groups, `re`
into SigmaRegularExpression, `cidr`, `lt`/`gte`/..., `fieldref`, `exists` and the time-part
modifiers into their own types, `all` into AND-linking and `neq` into a NOT around the item.
What is left to decide is how each of those types meets an event value; see `event.py` for
the text a value is compared as and for the case folding.
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sigma.types import (
    CompareOperators,
    Placeholder,
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
    SpecialChars,
    TimestampPart,
)

from .event import MISSING, Event, fold_case, number_text
from .matchers import Matcher, any_of
from .timestamps import parse_timestamp, to_datetime

TextTest = Callable[[str], bool]
Placeholders = Mapping[str, Sequence[str]]


class ValueCompileError(ValueError):
    """A detection value the evaluator cannot turn into a test."""


def field_matcher(field: str, value: SigmaType, placeholders: Placeholders) -> Matcher:
    """A predicate that is true when the event's `field` matches `value`."""
    if isinstance(value, SigmaExpansion):
        return any_of([field_matcher(field, v, placeholders) for v in value.values])

    if isinstance(value, SigmaString):
        strings = resolve_placeholders(value, placeholders)
        cased = isinstance(value, SigmaCasedString)
        return any_of([_field_text_matcher(field, string_test(s, cased), cased)
                        for s in strings])

    if isinstance(value, SigmaRegularExpression):
        return any_of([_field_text_matcher(field, regex_test(r), cased=True)
                        for r in resolve_regex_placeholders(value, placeholders)])

    if isinstance(value, SigmaNull):
        return lambda event: event.get(field) in (MISSING, None)

    if isinstance(value, SigmaExists):
        wanted = bool(value)
        return lambda event: (event.get(field) is not MISSING) is wanted

    if isinstance(value, SigmaBool):
        return _bool_matcher(field, bool(value))

    if isinstance(value, SigmaTimestampPart):
        return _time_part_matcher(field, value.timestamp_part, int(value.number))

    if isinstance(value, SigmaNumber):
        text = number_text(value.number)
        return _field_text_matcher(field, text.__eq__, cased=True)

    if isinstance(value, SigmaCompareExpression):
        return _compare_matcher(field, value.op, value.number.number)

    if isinstance(value, SigmaCIDRExpression):
        return _cidr_matcher(field, value.network)

    if isinstance(value, SigmaFieldReference):
        return _fieldref_matcher(field, value)

    if isinstance(value, SigmaQueryExpression):
        raise ValueCompileError(
            f"field {field!r}: a query-expression placeholder belongs to a query language and "
            "cannot be evaluated on events"
        )
    raise ValueCompileError(f"field {field!r}: unsupported value type {type(value).__name__}")


def keyword_matcher(value: SigmaType, placeholders: Placeholders) -> Matcher:
    """A predicate that is true when `value` occurs in any value of the event.

    A keyword is searched as a case-insensitive substring of every scalar value (strings,
    numbers as written, booleans), never of field names. A regular expression keyword is
    searched in the same values; a number keyword is searched as its digits.
    """
    if isinstance(value, SigmaExpansion):
        return any_of([keyword_matcher(v, placeholders) for v in value.values])

    if isinstance(value, SigmaString):
        cased = isinstance(value, SigmaCasedString)
        tests = [string_test(as_substring(s), cased)
                 for s in resolve_placeholders(value, placeholders)]
        return any_of([_everywhere(test, cased) for test in tests])

    if isinstance(value, SigmaRegularExpression):
        return any_of([_everywhere(regex_test(r), cased=True)
                        for r in resolve_regex_placeholders(value, placeholders)])

    if isinstance(value, (SigmaNumber, SigmaBool)):
        needle = keyword_text(value)
        return _everywhere(lambda text: needle in text, cased=False)

    raise ValueCompileError(f"keyword of type {type(value).__name__} cannot be searched")


def keyword_text(value: SigmaNumber | SigmaBool) -> str:
    """The text a number or boolean keyword is searched as."""
    if isinstance(value, SigmaBool):
        return "true" if value else "false"
    return number_text(value.number)


def as_substring(value: SigmaString) -> SigmaString:
    """A keyword pattern as a search anywhere in a value: wildcards added at both ends."""
    result = value
    if not result.startswith(SpecialChars.WILDCARD_MULTI):
        result = SpecialChars.WILDCARD_MULTI + result
    if not result.endswith(SpecialChars.WILDCARD_MULTI):
        result = result + SpecialChars.WILDCARD_MULTI
    return result


def resolve_placeholders(value: SigmaString, placeholders: Placeholders) -> list[SigmaString]:
    """The strings a value with `%name%` placeholders stands for (the value itself if none)."""
    if not value.contains_placeholder():
        return [value]

    def replacement(placeholder: Placeholder) -> Any:
        if placeholder.name not in placeholders:
            raise ValueCompileError(
                f"placeholder %{placeholder.name}% has no value; pass one in `placeholders`"
            )
        for text in placeholders[placeholder.name]:
            yield SigmaString(text)

    strings = value.replace_placeholders(replacement)
    if isinstance(value, SigmaCasedString):
        return [SigmaCasedString.from_sigma_string(s) for s in strings]
    return strings


def resolve_regex_placeholders(
    value: SigmaRegularExpression, placeholders: Placeholders
) -> list[SigmaRegularExpression]:
    """The regular expressions a regex with placeholders stands for."""
    if not value.regexp.contains_placeholder():
        return [value]
    return [SigmaRegularExpression(str(s), value.flags)
            for s in resolve_placeholders(value.regexp, placeholders)]


def string_test(value: SigmaString, cased: bool) -> TextTest:
    """A test of one text against a Sigma string with `*` and `?` wildcards.

    The whole text must match. Unless `cased`, the pattern's literal parts are case-folded
    here and the text is expected folded by the caller. Common shapes (plain, prefix,
    suffix, infix) become string methods; anything else a compiled regular expression.
    """
    parts = [p if not isinstance(p, str) or cased else fold_case(p) for p in value.s]
    if any(isinstance(p, Placeholder) for p in parts):
        raise ValueCompileError(f"unresolved placeholder in {value}")
    multi = SpecialChars.WILDCARD_MULTI
    shape = tuple("*" if p is multi else "s" if isinstance(p, str) else "?" for p in parts)

    if "*" not in shape and "?" not in shape:
        literal = "".join(parts)
        return literal.__eq__
    if shape == ("*",):
        return lambda text: True
    if shape == ("*", "s", "*"):
        needle = parts[1]
        return lambda text: needle in text
    if shape == ("s", "*"):
        prefix = parts[0]
        return lambda text: text.startswith(prefix)
    if shape == ("*", "s"):
        suffix = parts[1]
        return lambda text: text.endswith(suffix)

    pattern = "".join(
        re.escape(p) if isinstance(p, str) else (".*" if p is multi else ".") for p in parts
    )
    compiled = re.compile(pattern, re.DOTALL)
    return lambda text: compiled.fullmatch(text) is not None


def regex_test(value: SigmaRegularExpression) -> TextTest:
    """A search for the regular expression anywhere in the text, with its `i`, `m`, `s` flags."""
    flags = 0
    for flag in value.flags:
        flags |= SigmaRegularExpression.sigma_to_python_flags[flag]
    try:
        compiled = re.compile(str(value.regexp), flags)
    except re.error as error:
        raise ValueCompileError(f"regular expression {value.regexp}: {error}") from error
    return lambda text: compiled.search(text) is not None


def _field_text_matcher(field: str, test: TextTest, cased: bool) -> Matcher:
    if cased:
        def matches_cased(event: Event) -> bool:
            for text in event.texts(field):
                if test(text):
                    return True
            return False
        return matches_cased

    def matches_folded(event: Event) -> bool:
        for text in event.folded(field):
            if test(text):
                return True
        return False
    return matches_folded


def _everywhere(test: TextTest, cased: bool) -> Matcher:
    if cased:
        return lambda event: any(test(text) for text in event.all_texts())
    return lambda event: any(test(text) for text in event.all_folded())


def _bool_matcher(field: str, wanted: bool) -> Matcher:
    word = "true" if wanted else "false"

    def matches(event: Event) -> bool:
        value = event.get(field)
        if isinstance(value, bool):
            return value is wanted
        return word in event.folded(field)

    return matches


_COMPARE: dict[CompareOperators, Callable[[float, float], bool]] = {
    CompareOperators.LT: lambda a, b: a < b,
    CompareOperators.LTE: lambda a, b: a <= b,
    CompareOperators.GT: lambda a, b: a > b,
    CompareOperators.GTE: lambda a, b: a >= b,
    CompareOperators.NEQ: lambda a, b: a != b,
}
_NUMERIC = re.compile(r"\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*")


def numeric_value(value: Any) -> float | int | None:
    """A field value as a number, when it is one or is a string written as one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if value == value else None
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    return None


def _compare_matcher(field: str, op: CompareOperators, bound: float) -> Matcher:
    compare = _COMPARE[op]

    def matches(event: Event) -> bool:
        value = event.get(field)
        for item in value if isinstance(value, list) else (value,):
            number = numeric_value(item)
            if number is not None and compare(number, bound):
                return True
        return False

    return matches


def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from any of its spellings: `::1`, `0:0:0:0:0:0:0:1`, `[::1]`, `fe80::1%eth0`."""
    candidate = text.strip()
    if candidate.startswith("[") and candidate.endswith("]"):
        candidate = candidate[1:-1]
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        return None


def _cidr_matcher(field: str, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> Matcher:
    ipv4 = network.version == 4

    def matches(event: Event) -> bool:
        for text in event.texts(field):
            address = parse_address(text)
            if address is None:
                continue
            if ipv4 and address.version == 6 and address.ipv4_mapped is not None:
                address = address.ipv4_mapped
            if address.version == network.version and address in network:
                return True
        return False

    return matches


def _fieldref_matcher(field: str, reference: SigmaFieldReference) -> Matcher:
    other = reference.field
    if reference.starts_with and reference.ends_with:
        relation: Callable[[str, str], bool] = lambda text, ref: ref in text
    elif reference.starts_with:
        relation = str.startswith
    elif reference.ends_with:
        relation = str.endswith
    else:
        relation = str.__eq__

    def matches(event: Event) -> bool:
        references = event.folded(other)
        for text in event.folded(field):
            for ref in references:
                if relation(text, ref):
                    return True
        return False

    return matches


def _time_part_matcher(field: str, part: TimestampPart, wanted: int) -> Matcher:
    """The field read as a time (see `timestamps.py`), its part compared in UTC; `week` is the
    ISO 8601 week number."""
    def matches(event: Event) -> bool:
        instant = parse_timestamp(event.get(field))
        if instant is None:
            return False
        moment = to_datetime(instant)
        found = {
            TimestampPart.MINUTE: moment.minute,
            TimestampPart.HOUR: moment.hour,
            TimestampPart.DAY: moment.day,
            TimestampPart.WEEK: moment.isocalendar().week,
            TimestampPart.MONTH: moment.month,
            TimestampPart.YEAR: moment.year,
        }[part]
        return found == wanted

    return matches
