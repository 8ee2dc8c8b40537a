"""How a Sigma string value becomes a Sumo Logic predicate, and how text is escaped for Sumo.

Sumo documents only `\\"` inside double-quoted strings and documents RE2 syntax inside `/.../`
regex literals, so every value that holds a backslash, a quote, a wildcard or any character
outside a small safe set is written as an RE2 regex literal. There RE2 metacharacters keep their
usual backslash escapes (`\\.`, `\\\\`) and every other unsafe character (`/`, `"`, `|`,
control and non-ASCII characters) is a `\\x{..}` escape. Nothing taken from a rule can then end
a string or a regex early.
"""
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from string import ascii_letters, digits

from sigma.exceptions import SigmaFeatureNotSupportedByBackendError
from sigma.types import Placeholder, SigmaString, SpecialChars

# Characters written as themselves inside a regex literal: none is special to RE2 outside a
# character class, and none can end a `/.../` literal.
REGEX_SAFE = frozenset(ascii_letters + digits + " _-:,=@%'#!~;<>&")

# RE2 metacharacters: a backslash before punctuation makes it literal in RE2, and none of these
# can end a `/.../` literal, so they keep their usual readable escapes.
REGEX_METACHARACTERS = frozenset("\\.+*?()[]{}^$")

# Characters written as themselves inside a double-quoted string: printable ASCII without the
# quote and the backslash, whose reading inside Sumo strings is not documented.
STRING_SAFE = frozenset(chr(code) for code in range(0x20, 0x7F)) - {'"', "\\"}


def string_safe(text: str) -> bool:
    """Whether every character of `text` is in STRING_SAFE.

    For ASCII text `isprintable` holds exactly for 0x20 to 0x7E, so this is `set(text) <=
    STRING_SAFE` without building a set.
    """
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def number_text(number: int | float) -> str:
    """A Sigma number as plain decimal text: no exponent, the shortest digits that read back.

    This text is what a number is compared with (field values are text in Sumo) and what a
    `num()` comparison writes, so `0.00001` stays `0.00001`, never Python's `1e-05`, which is
    neither the text an event holds nor a Sumo number. Integral values are written as integers,
    as pySigma already reads `10.0` as 10.
    """
    if isinstance(number, int):
        return str(number)

    text = format(Decimal(repr(number)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# The text `num()` is given to read: an optionally negative integer or decimal number. It is
# tested before every `num()`, since Sumo does not document what `num()` makes of other text.
# Known gap: event values with an exponent (`1e-06`) fail it, so they never compare.
NUMBER_SHAPE = "/^-?[0-9]+(?:\\.[0-9]+)?$/"


def hex_escape(char: str) -> str:
    """The RE2 escape `\\x{..}` of one character."""
    return "\\x{%02x}" % ord(char)


def regex_char(char: str) -> str:
    """One literal character inside a regex, outside any character class."""
    if char in REGEX_SAFE:
        return char
    if char in REGEX_METACHARACTERS:
        return "\\" + char
    return hex_escape(char)


def simple_fold(char: str) -> str:
    """The one character `char` stands for when case is ignored: Unicode simple case folding.

    `str.casefold` where it gives one character, else `str.lower` where that gives one, else
    the character itself; so `ß` and `ẞ` fold together, but neither equals `ss`, which a regex
    class of single characters could not express.
    """
    for folded in (char.casefold(), char.lower()):
        if len(folded) == 1:
            return folded
    return char


# No character above this one has a case mapping in the Unicode data Python ships.
LAST_CASED = 0x1E943


@cache
def _fold_classes() -> dict[str, tuple[str, ...]]:
    """Every non-ASCII character that shares its simple fold with another, by fold, sorted."""
    classes: dict[str, list[str]] = {}
    for code in range(0x80, LAST_CASED + 1):
        char = chr(code)
        folded = simple_fold(char)
        if folded != char:
            classes.setdefault(folded, []).append(char)
    variants = {fold: {fold, *chars, *(fold.upper() if fold.isascii() else "")}
                for fold, chars in classes.items()}
    return {fold: tuple(sorted(chars)) for fold, chars in variants.items()}


def case_variants(char: str) -> tuple[str, ...]:
    """Every single character with the same simple case fold as `char`, `char` included, sorted.

    Used for non-ASCII letters; ASCII letters rely on `(?i)`.
    Known gap: `(?i)` on `k` and `s` may or may not also match the Kelvin sign and the long s,
    whose simple folds are ASCII; Sumo does not document which.
    """
    if char.isascii():
        return tuple(sorted({char, char.lower(), char.upper()}))
    return _fold_classes().get(simple_fold(char), (char,))


def range_case_variants(low: str, high: str) -> tuple[str, ...]:
    """The characters outside the range `low` to `high` that share a simple case fold with a
    non-ASCII character inside it, sorted.

    With these added, a class holding the range holds every case variant of its non-ASCII
    letters; its ASCII letters rely on `(?i)`, as in `case_variants`.
    """
    outside: set[str] = set()
    for code in range(max(ord(low), 0x80), min(ord(high), LAST_CASED) + 1):
        outside.update(
            variant for variant in case_variants(chr(code)) if not low <= variant <= high
        )
    return tuple(sorted(outside))


# regex_char of every ASCII character, which caseless_char also gives for ASCII.
ASCII_REGEX_CHARS: dict[str, str] = {chr(code): regex_char(chr(code)) for code in range(0x80)}


def caseless_char(char: str) -> str:
    """One literal character in a case-insensitive regex that also carries the `(?i)` flag.

    ASCII letters rely on `(?i)`. Other letters become an explicit class of their case variants,
    because how Sumo's regex engine folds the case of non-ASCII letters is not documented.
    """
    if char.isascii():
        return regex_char(char)
    variants = case_variants(char)
    if len(variants) == 1:
        return hex_escape(char)
    return "[" + "".join(hex_escape(variant) for variant in variants) + "]"


def quoted(text: str) -> str:
    """A double-quoted Sumo string; only for text made of STRING_SAFE characters."""
    if not string_safe(text):
        raise ValueError(f"text needs a regex literal, not a quoted string: {text!r}")
    return f'"{text}"'


def plain_text(value: SigmaString) -> str | None:
    """The value as one string when it has no wildcard and fits in a quoted string, else None."""
    parts = value.s
    for part in parts:
        if not isinstance(part, str):
            _reject_placeholders(value)
            return None
    text = "".join(parts)
    return text if string_safe(text) else None


def value_regex(value: SigmaString, cased: bool) -> str:
    """An anchored RE2 regex (flags included) that matches exactly the strings Sigma's value does.

    `*` is any run of characters and `?` exactly one, newlines included (`(?s)`). The regex is
    anchored at both ends, so it means the same whether Sumo's `matches /.../` tests the whole
    string or searches for a substring.
    """
    body = "".join(_regex_tokens(value, cased))
    return _flags(cased, value.contains_special()) + "^" + body + "$"


def values_regex(values: Sequence[SigmaString], cased: bool) -> str:
    """One anchored RE2 regex that matches exactly the strings any of `values` matches.

    The values' regexes become one alternation, their common leading and trailing parts
    written once (`^.*\\\\(?:a\\.exe|b\\.exe)$`); concatenation distributes over alternation,
    so this is the same set of strings as the values' regexes or'ed together. `(?s)` only
    changes what `.` matches, and only wildcards write a bare `.`, so one flag serves all.
    """
    if len(values) == 1:
        return value_regex(values[0], cased)

    bodies = list(dict.fromkeys(tuple(_regex_tokens(value, cased)) for value in values))
    shortest = min(len(body) for body in bodies)
    lead = _common_lead(bodies)
    trail = _common_trail(bodies, shortest - lead)

    first = bodies[0]
    middles = "|".join("".join(body[lead:len(body) - trail]) for body in bodies)
    special = any(value.contains_special() for value in values)
    return (
        _flags(cased, special) + "^" + "".join(first[:lead]) + "(?:" + middles + ")"
        + "".join(first[len(first) - trail:]) + "$"
    )


def _common_lead(bodies: Sequence[tuple[str, ...]]) -> int:
    """How many leading tokens all bodies share.

    Every body lies between the least and the greatest in order, so what those two share, all do.
    """
    least, greatest = min(bodies), max(bodies)
    for index, token in enumerate(least):
        if index == len(greatest) or token != greatest[index]:
            return index
    return len(least)


def _common_trail(bodies: Sequence[tuple[str, ...]], limit: int) -> int:
    """How many trailing tokens all bodies share, at most `limit`.

    Each body is compared from its end with the first one, only as far as the tokens shared so
    far reach, so long lists that share no ending cost one comparison a body.
    """
    first = bodies[0]
    trail = limit
    for body in bodies:
        shared = 0
        while shared < trail and body[-1 - shared] == first[-1 - shared]:
            shared += 1
        trail = shared
        if not trail:
            break
    return trail


def _flags(cased: bool, special: bool) -> str:
    """The RE2 flag group for a value regex: `i` unless cased, `s` when it has wildcards."""
    flags = ("" if cased else "i") + ("s" if special else "")
    return f"(?{flags})" if flags else ""


def _regex_tokens(value: SigmaString, cased: bool) -> list[str]:
    """The value's regex body as one piece per Sigma character or wildcard."""
    tokens: list[str] = []
    write = regex_char if cased else caseless_char
    ascii_chars = ASCII_REGEX_CHARS
    for part in value.s:
        if isinstance(part, str):
            if part.isascii():
                tokens.extend(map(ascii_chars.__getitem__, part))
            else:
                tokens.extend([write(char) for char in part])
        elif part is SpecialChars.WILDCARD_MULTI:
            tokens.append(".*")
        elif part is SpecialChars.WILDCARD_SINGLE:
            tokens.append(".")
        else:
            _reject_placeholders(value)
    return tokens


def regex_literal(regex: str) -> str:
    """A Sumo regex literal; `regex` must come from this package's escaping functions."""
    if "/" in regex:
        raise ValueError(f"regex would end its literal early: {regex!r}")
    return f"/{regex}/"


def equality_text(value: SigmaString, cased: bool) -> str | None:
    """The text `value` is compared with by plain `=`, or None when it needs another form."""
    text = plain_text(value)
    if text is not None and (cased or text.lower() == text.upper()):
        return text
    return None


def strings_match(subject: str, values: Sequence[tuple[SigmaString, bool]]) -> list[str]:
    """Sumo predicates on `subject` (a field name), one of which holds when it equals a value.

    Each value comes with whether it is cased. This is the one place that decides case
    handling. Values compared exactly (cased plain text, or text without letters) are one `=`
    or one `in (...)`. A single case-insensitive plain value compares `toLowerCase(subject)`
    with the lower-cased value; that form is used only for ASCII text (STRING_SAFE), where
    lower-casing is unambiguous. Every other value joins the one `matches` test of its
    casedness (`values_regex`), which is also shorter than a chain of `or`.
    """
    exact: list[str] = []
    by_case: dict[bool, list[SigmaString]] = {False: [], True: []}
    for value, cased in values:
        text = equality_text(value, cased)
        if text is None:
            by_case[cased].append(value)
        else:
            exact.append(text)

    predicates = []
    if exact:
        texts = list(dict.fromkeys(exact))
        listed = ", ".join(quoted(text) for text in texts)
        predicates.append(
            f"{subject} = {listed}" if len(texts) == 1 else f"{subject} in ({listed})"
        )
    for cased, group in by_case.items():
        if not group:
            continue
        plain = plain_text(group[0]) if len(group) == 1 and not cased else None
        if plain is not None:
            predicates.append(f"toLowerCase({subject}) = {quoted(plain.lower())}")
        else:
            predicates.append(f"{subject} matches {regex_literal(values_regex(group, cased))}")
    return predicates


def _reject_placeholders(value: SigmaString) -> None:
    """Placeholders must be resolved by the processing pipeline before a value is rendered."""
    names = [part.name for part in value.s if isinstance(part, Placeholder)]
    if names:
        raise SigmaFeatureNotSupportedByBackendError(
            f"placeholder %{names[0]}% has no value: define it in the vars of a pipeline"
        )
