"""How a Sigma string value becomes a Sumo Logic predicate, and how text is escaped for Sumo.

Sumo documents only `\\"` inside double-quoted strings and documents RE2 syntax inside `/.../`
regex literals, so every value that holds a backslash, a quote, a wildcard or any character
outside a small safe set is written as an RE2 regex literal. There RE2 metacharacters keep their
usual backslash escapes (`\\.`, `\\\\`) and every other unsafe character (`/`, `"`, `|`,
control and non-ASCII characters) is a `\\x{..}` escape. Nothing taken from a rule can then end
a string or a regex early.
"""
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


def case_variants(char: str) -> tuple[str, ...]:
    """Every single character that differs from `char` only by case, `char` included, sorted."""
    variants = {char}
    pending = [char]
    while pending:
        current = pending.pop()
        for mapped in (current.lower(), current.upper(), current.title()):
            if len(mapped) == 1 and mapped not in variants:
                variants.add(mapped)
                pending.append(mapped)
    return tuple(sorted(variants))


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
    if not set(text) <= STRING_SAFE:
        raise ValueError(f"text needs a regex literal, not a quoted string: {text!r}")
    return f'"{text}"'


def plain_text(value: SigmaString) -> str | None:
    """The value as one string when it has no wildcard and fits in a quoted string, else None."""
    _reject_placeholders(value)
    if value.contains_special():
        return None
    text = "".join(str(part) for part in value.s)
    return text if set(text) <= STRING_SAFE else None


def value_regex(value: SigmaString, cased: bool) -> str:
    """An anchored RE2 regex (flags included) that matches exactly the strings Sigma's value does.

    `*` is any run of characters and `?` exactly one, newlines included (`(?s)`). The regex is
    anchored at both ends, so it means the same whether Sumo's `matches /.../` tests the whole
    string or searches for a substring.
    """
    _reject_placeholders(value)
    body = []
    for part in value.s:
        if part == SpecialChars.WILDCARD_MULTI:
            body.append(".*")
        elif part == SpecialChars.WILDCARD_SINGLE:
            body.append(".")
        else:
            write = regex_char if cased else caseless_char
            body.extend(write(char) for char in part)
    flags = ("" if cased else "i") + ("s" if value.contains_special() else "")
    prefix = f"(?{flags})" if flags else ""
    return prefix + "^" + "".join(body) + "$"


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


def string_match(subject: str, value: SigmaString, cased: bool) -> str:
    """Sumo predicate: `subject` (a field name) equals the Sigma string `value`.

    This is the one place that decides case handling. Case-insensitive plain values compare
    `toLowerCase(subject)` with the lower-cased value; that form is used only for ASCII text
    (STRING_SAFE), where lower-casing is unambiguous; text without letters (numbers, the empty
    string) is compared as it is. Everything else is a `matches` test with `value_regex`.
    """
    exact = equality_text(value, cased)
    if exact is not None:
        return f"{subject} = {quoted(exact)}"
    text = plain_text(value)
    if text is not None:
        return f"toLowerCase({subject}) = {quoted(text.lower())}"
    return f"{subject} matches {regex_literal(value_regex(value, cased))}"


def _reject_placeholders(value: SigmaString) -> None:
    """Placeholders must be resolved by the processing pipeline before a value is rendered."""
    names = [part.name for part in value.s if isinstance(part, Placeholder)]
    if names:
        raise SigmaFeatureNotSupportedByBackendError(
            f"placeholder %{names[0]}% has no value: define it in the vars of a pipeline"
        )
