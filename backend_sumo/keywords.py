"""Sigma keywords (values without a field) as case-insensitive searches of the raw JSON event.

A keyword is searched in `_raw`, the message text, which holds the event as JSON. A value that
contains a backslash appears there as `\\\\`, so each character of the keyword is matched in
every way a JSON encoder may write it, and its wildcards match characters of one string value.
Known gap: the keyword's own text may still match inside a key name, such as `Image`.
"""
from sigma.types import SigmaString, SpecialChars

from .literals import case_variants, caseless_char, hex_escape, regex_char, regex_literal

# JSON's two-character escapes of control characters (RFC 8259, section 7).
SHORT_ESCAPES = {"\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t"}
BACKSLASH = regex_char("\\")
# One character of a JSON string value as it appears in the raw text: a plain character other
# than the quote that would end the value, a two-character escape, or a `\\uXXXX` escape. A
# wildcard of a keyword stands for such characters, so it never reaches into another field.
# A character beyond the basic plane is one surrogate pair, so a lone `\\uXXXX` is no surrogate.
ESCAPE_START = hex_escape("\\")
VALUE_ENDS = hex_escape('"') + ESCAPE_START
SURROGATE_PAIR = f"{BACKSLASH}ud[89ab][0-9a-f]{{2}}{BACKSLASH}ud[c-f][0-9a-f]{{2}}"
BASIC_ESCAPE = f"{BACKSLASH}u(?:[0-9a-ce-f][0-9a-f]{{3}}|d[0-7][0-9a-f]{{2}})"
ANY_ENCODED_CHAR = (
    f"(?:[^{VALUE_ENDS}]|{SURROGATE_PAIR}|{BASIC_ESCAPE}|{BACKSLASH}[^u])"
)
# Whole characters of the raw text before the keyword, so that it never starts inside an
# escape (`\\n` followed by `c.exe` holds no `nc.exe`).
WHOLE_CHARACTERS = f"(?:[^{ESCAPE_START}]|{BACKSLASH}.)*"


def keyword_search(value: SigmaString) -> str:
    """Sumo predicate: the raw event contains `value`, ignoring case.

    Assumes the collector writes standard JSON: `"` and `\\` always escaped, control
    characters escaped (short form or `\\u00XX`), `/` optionally escaped, other printable
    ASCII as itself, any other character either as itself or as a `\\uXXXX` escape.
    """
    body = []
    for part in value.s:
        if part == SpecialChars.WILDCARD_MULTI:
            body.append(ANY_ENCODED_CHAR + "*")
        elif part == SpecialChars.WILDCARD_SINGLE:
            body.append(ANY_ENCODED_CHAR)
        else:
            body.extend(encoded_char(char) for char in str(part))
    return "_raw matches " + regex_literal("(?is)^" + WHOLE_CHARACTERS + "".join(body) + ".*$")


def encoded_char(char: str) -> str:
    """Regex for one character of a JSON string value, in each way an encoder may write it."""
    if char in '"\\':
        return BACKSLASH + regex_char(char)
    if char == "/":
        return f"{BACKSLASH}?{hex_escape(char)}"
    if char in SHORT_ESCAPES:
        return f"{BACKSLASH}(?:{SHORT_ESCAPES[char]}|u{ord(char):04x})"
    if ord(char) < 0x20:
        return f"{BACKSLASH}u{ord(char):04x}"
    if " " <= char <= "~":
        return caseless_char(char)
    return "(?:" + caseless_char(char) + "|" + _unicode_escapes(char) + ")"


def _unicode_escapes(char: str) -> str:
    """The `\\uXXXX` spellings (a surrogate pair beyond the BMP) of char and its case variants."""
    spellings = []
    for variant in case_variants(char):
        units = variant.encode("utf-16-be")
        codes = [int.from_bytes(units[i : i + 2], "big") for i in range(0, len(units), 2)]
        spellings.append("".join(f"{BACKSLASH}u{code:04x}" for code in codes))
    return "|".join(spellings)
