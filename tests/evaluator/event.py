"""One event as the matchers see it: its fields, where it came from, and its values as text.

Sigma compares most values as text. The text of a value and the case folding applied to it are
decided here, once, and cached per event so that several rules testing the same field fold it
only once.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterator

from .errors import EventSource

MISSING: Any = object()
"""Stands for a field the event does not have (as opposed to a field whose value is null)."""


class JsonFloat(float):
    """A JSON number with a fraction or exponent, remembering how it was written."""

    __slots__ = ("token",)

    def __new__(cls, token: str) -> "JsonFloat":
        number = super().__new__(cls, token)
        number.token = token
        return number


def simple_fold(char: str) -> str:
    """Unicode simple case folding of one character: the fold when it is one character."""
    for folded in (char.casefold(), char.lower()):
        if len(folded) == 1:
            return folded
    return char


class _SimpleFoldTable(dict):
    """`str.translate` table that folds each code point on first sight."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = simple_fold(chr(code))
        return folded


_FOLD = _SimpleFoldTable()


def fold_case(text: str) -> str:
    """The form in which two strings compare case-insensitively.

    Simple case folding, one code point for one: `É` equals `é` and `ß` equals `ẞ`, but `ß` does
    not equal `ss`, since a Sumo regex class of single characters could not say so either. Both
    the rule's literals and the event's values go through this one function.
    """
    return text.lower() if text.isascii() else text.translate(_FOLD)


def value_texts(value: Any) -> tuple[str, ...]:
    """The strings a field value is compared as: one per scalar, none for null or absent.

    A string is itself; a boolean is `true` or `false`; an integer is its decimal digits; a
    JSON number with a fraction is written as it appeared in the input. A list contributes
    each of its scalar elements, so a rule matches a list field when one element matches.
    """
    if isinstance(value, str):
        return (value,)
    if value is None or value is MISSING or isinstance(value, dict):
        return ()
    if isinstance(value, list):
        return tuple(text for item in value if not isinstance(item, list)
                     for text in value_texts(item))
    return (scalar_text(value),)


def number_text(number: int | float) -> str:
    """The text a rule's number is compared and searched as: plain decimal, never an exponent.

    The shortest digits that read back as the same float (`0.00001`, not `1e-05`); an integral
    value is its integer digits, which is also what pySigma makes of `10.0`.
    """
    if isinstance(number, int):
        return str(number)
    text = f"{Decimal(repr(number)).normalize():f}"
    return "0" if text == "-0" else text


def scalar_text(value: Any) -> str:
    """The text of one non-string scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, JsonFloat):
        return value.token
    return str(value)


class Event:
    """An event's fields (a flat dict, possibly with nested values) and its origin."""

    __slots__ = ("fields", "source", "_folded", "_texts", "_all_folded", "_all_texts")

    def __init__(self, fields: dict[str, Any], source: EventSource) -> None:
        self.fields = fields
        self.source = source
        self._folded: dict[str, tuple[str, ...]] = {}
        self._texts: dict[str, tuple[str, ...]] = {}
        self._all_folded: tuple[str, ...] | None = None
        self._all_texts: tuple[str, ...] | None = None

    def get(self, name: str) -> Any:
        """The value of a field, `MISSING` when absent; `a.b` also reaches nested objects."""
        value = self.fields.get(name, MISSING)
        if value is MISSING and "." in name:
            value = self.fields
            for part in name.split("."):
                if not isinstance(value, dict) or part not in value:
                    return MISSING
                value = value[part]
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        """The field's values as text, case preserved."""
        texts = self._texts.get(name)
        if texts is None:
            texts = self._texts[name] = value_texts(self.get(name))
        return texts

    def folded(self, name: str) -> tuple[str, ...]:
        """The field's values as case-folded text."""
        folded = self._folded.get(name)
        if folded is None:
            folded = self._folded[name] = tuple(fold_case(t) for t in self.texts(name))
        return folded

    def all_texts(self) -> tuple[str, ...]:
        """Every scalar value anywhere in the event as text (field names excluded)."""
        if self._all_texts is None:
            self._all_texts = tuple(_leaf_texts(self.fields))
        return self._all_texts

    def all_folded(self) -> tuple[str, ...]:
        """Every scalar value anywhere in the event as case-folded text."""
        if self._all_folded is None:
            self._all_folded = tuple(fold_case(t) for t in self.all_texts())
        return self._all_folded


def _leaf_texts(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaf_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaf_texts(item)
    elif isinstance(value, str):
        yield value
    elif value is not None:
        yield scalar_text(value)
