"""Sigma `|re` values as RE2 regexes that search anywhere in a Sumo field.

A Sigma regex arrives checked by pySigma with Python's `re` syntax, PCRE-like. Constructs RE2
lacks, such as look-around and back-references, are rejected. Constructs RE2 reads differently
are rewritten to keep PCRE's meaning where PCRE and Python agree, or rejected where no RE2 form
is exact (a `$` without the m flag that more pattern follows). Every literal character outside
the safe set is rewritten as `\\x{..}` so that no rule text can end the `/.../` literal.
"""
import re
from dataclasses import dataclass, field

from sigma.exceptions import SigmaFeatureNotSupportedByBackendError
from sigma.types import SigmaRegularExpression, SigmaRegularExpressionFlag

from .literals import (
    case_variants,
    caseless_char,
    hex_escape,
    range_case_variants,
    regex_char,
)

FLAG_LETTERS = {
    SigmaRegularExpressionFlag.IGNORECASE: "i",
    SigmaRegularExpressionFlag.MULTILINE: "m",
    SigmaRegularExpressionFlag.DOTALL: "s",
}

# Escapes kept as written: character classes and anchors that RE2 reads as PCRE does (ASCII).
KEPT_ESCAPES = frozenset("dDwWbBA")
# `\v` is left out: PCRE reads it as any vertical space, Python as one character.
CONTROL_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "a": "\a"}
CLASS_ESCAPES = frozenset("dDwW")
# PCRE's and Python's ASCII `\\s`: tab, newline, vertical tab, form feed, return and space.
# RE2's `\\s` lacks the vertical tab, so both escapes are written as these class members.
SPACE_MEMBERS = "\\x{09}-\\x{0d}\\x{20}"
NON_SPACE_MEMBERS = "\\x{00}-\\x{08}\\x{0e}-\\x{1f}\\x{21}-\\x{10ffff}"
MAX_REPEAT = 1000
REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")
OPEN_REPEAT = re.compile(r"\{,\d*\}")
HEX_TWO = re.compile(r"[0-9a-fA-F]{2}")
GROUP_FLAGS = re.compile(r"\(\?([imsx]*)(?:-([imsx]*))?([:)])")
# PCRE's `$` without the m flag: the end of the text, or just before a newline that ends it.
# RE2's `$` is the end only, and RE2 has no look-ahead, so this form consumes that newline; it is
# exact only where nothing that could match more text follows it.
FINAL_DOLLAR = "(?:" + hex_escape("\n") + "?\\z)"


class UnsupportedRegexError(SigmaFeatureNotSupportedByBackendError):
    """A Sigma regex uses a construct that RE2, and so Sumo, does not have."""


def search_regex(value: SigmaRegularExpression) -> str:
    """An RE2 regex that is true when `value` matches somewhere in the string.

    The translated pattern is wrapped in `\\A[\\s\\S]*(?:...)[\\s\\S]*\\z`, so a whole-string
    reading and a substring reading of Sumo's `matches /.../` agree. `\\A` and `\\z` keep their
    meaning under the `m` flag, unlike `^` and `$`.
    """
    flags = "".join(sorted(FLAG_LETTERS[flag] for flag in value.flags))
    body = _Translator(str(value.regexp), "i" in flags, "m" in flags).translate()
    prefix = f"(?{flags})" if flags else ""
    return prefix + "\\A[\\s\\S]*(?:" + body + ")[\\s\\S]*\\z"


@dataclass
class _Group:
    """An open group: the flags outside it, and a `$` that ended one of its alternatives."""

    ignore_case: bool
    multiline: bool
    dollar_before_close: int | None = None


@dataclass
class _Translator:
    """One pass over a Sigma regex that checks it and writes its RE2 form.

    `open_dollar` is the position of a `$` written as FINAL_DOLLAR that the current point
    follows with nothing but group ends between: anything but `)` or `|` there is rejected.
    """

    pattern: str
    ignore_case: bool
    multiline: bool
    position: int = 0
    open_dollar: int | None = None
    groups: list[_Group] = field(default_factory=list)

    def translate(self) -> str:
        """The whole pattern, translated."""
        out: list[str] = []
        after_atom = False
        while self.position < len(self.pattern):
            char = self.pattern[self.position]
            if char not in ")|" and self.open_dollar is not None:
                raise self._fail(
                    "'$' followed by more pattern without the m flag (there PCRE's '$' may "
                    "also match before a final newline, which RE2 cannot express)",
                    self.open_dollar,
                )

            if char == "\\":
                out.append(self._escape(in_class=False))
                after_atom = True
            elif char == "[":
                out.append(self._char_class())
                after_atom = True
            elif char == "(":
                self.groups.append(_Group(self.ignore_case, self.multiline))
                out.append(self._group_open())
                after_atom = False
            elif char == ")":
                self._group_close()
                out.append(")")
                self.position += 1
                after_atom = True
            elif char == "|":
                self._alternative_end()
                out.append("|")
                self.position += 1
                after_atom = False
            elif char == "$" and not self.multiline:
                self.open_dollar = self.position
                out.append(FINAL_DOLLAR)
                self.position += 1
                after_atom = False
            elif char in "*+?":
                out.append(self._quantifier(char))
                after_atom = False
            elif char == "{" and after_atom and REPEAT.match(self.pattern, self.position):
                out.append(self._repeat())
                after_atom = False
            elif char == "{" and after_atom and OPEN_REPEAT.match(self.pattern, self.position):
                raise self._fail("a '{,n}' repetition, which regex engines read differently")
            elif char in ".^$":
                out.append(char)
                self.position += 1
                after_atom = char == "."
            else:
                out.append(caseless_char(char) if self.ignore_case else regex_char(char))
                self.position += 1
                after_atom = True
        return "".join(out)

    def _fail(self, what: str, position: int | None = None) -> UnsupportedRegexError:
        """The error for an unsupported construct at `position` (default: the current one)."""
        where = self.position if position is None else position
        return UnsupportedRegexError(
            f"regular expression '{self.pattern}' uses {what} at position {where}, "
            "which RE2 (the regex engine of Sumo Logic) does not support"
        )

    def _literal(self, char: str, in_class: bool) -> str:
        """One literal character, in or outside a character class."""
        if not in_class:
            return caseless_char(char) if self.ignore_case else regex_char(char)
        variants = case_variants(char) if self.ignore_case and not char.isascii() else (char,)
        return "".join(_class_member(variant) for variant in variants)

    def _escape(self, in_class: bool) -> str:
        """A backslash escape starting at the current position."""
        start = self.position
        if start + 1 >= len(self.pattern):
            raise self._fail("a trailing backslash")
        char = self.pattern[start + 1]
        self.position += 2

        if char in (CLASS_ESCAPES if in_class else KEPT_ESCAPES):
            return "\\" + char
        if char in "sS":
            return _space_class(char == "S", in_class)
        if char == "z" and not in_class:
            return "\\z"
        if char in CONTROL_ESCAPES:
            return hex_escape(CONTROL_ESCAPES[char])
        if char == "x":
            return hex_escape(self._hex_code())
        if char.isdigit():
            raise self._fail("a back-reference or octal escape", start)
        if char.isascii() and char.isalpha():
            raise self._fail(f"the escape \\{char}", start)
        return self._literal(char, in_class)

    def _hex_code(self) -> str:
        """The character of a `\\xhh` escape (the `\\x` is already read)."""
        match = HEX_TWO.match(self.pattern, self.position)
        if not match:
            raise self._fail("a malformed \\x escape")
        self.position = match.end()
        return chr(int(match.group(0), 16))

    def _alternative_end(self) -> None:
        """At a `|`: a `$` ending the alternative now waits for its group to close."""
        if self.open_dollar is not None and self.groups:
            group = self.groups[-1]
            if group.dollar_before_close is None:
                group.dollar_before_close = self.open_dollar
        self.open_dollar = None

    def _group_close(self) -> None:
        """Restore the flags outside the group; a `$` ending one of its alternatives ends it."""
        if not self.groups:
            return
        group = self.groups.pop()
        self.ignore_case, self.multiline = group.ignore_case, group.multiline
        if self.open_dollar is None:
            self.open_dollar = group.dollar_before_close

    def _group_open(self) -> str:
        """An opening parenthesis with what follows it: a group kind or inline flags."""
        rest = self.pattern[self.position :]
        if not rest.startswith("(?"):
            self.position += 1
            return "("
        for opener in ("(?=", "(?!", "(?<=", "(?<!"):
            if rest.startswith(opener):
                raise self._fail("look-around")
        if rest.startswith("(?:"):
            self.position += 3
            return "(?:"
        named = re.match(r"\(\?P?<[A-Za-z_][A-Za-z0-9_]*>|\(\?'[A-Za-z_][A-Za-z0-9_]*'", rest)
        if named:
            self.position += named.end()
            return "(?:"
        flags = GROUP_FLAGS.match(rest)
        if not flags or "x" in flags.group(1) + (flags.group(2) or ""):
            raise self._fail("a group construct")
        on, off, end = flags.group(1), flags.group(2) or "", flags.group(3)
        self.position += flags.end()
        if "i" in on + off:
            self.ignore_case = "i" in on
        if "m" in on + off:
            self.multiline = "m" in on
        if end == ")":
            # Inline flags open no group: they last until the enclosing group closes.
            self.groups.pop()
        return flags.group(0)

    def _quantifier(self, char: str) -> str:
        """`*`, `+` or `?`, with a lazy `?` after it; a possessive `+` is rejected."""
        self.position += 1
        return char + self._quantifier_suffix()

    def _repeat(self) -> str:
        """A `{n}`, `{n,}` or `{n,m}` repetition within RE2's limit."""
        match = REPEAT.match(self.pattern, self.position)
        assert match is not None
        counts = [int(number) for number in (match.group(1), match.group(3)) if number]
        if any(count > MAX_REPEAT for count in counts):
            raise self._fail(f"a repetition count above {MAX_REPEAT}")
        self.position = match.end()
        return match.group(0) + self._quantifier_suffix()

    def _quantifier_suffix(self) -> str:
        """A lazy marker after a quantifier; possessive quantifiers do not exist in RE2."""
        following = self.pattern[self.position : self.position + 1]
        if following == "+":
            raise self._fail("a possessive quantifier")
        if following == "?":
            self.position += 1
            return "?"
        return ""

    def _char_class(self) -> str:
        """A bracketed character class, members escaped one by one."""
        out = ["["]
        self.position += 1
        if self.pattern.startswith("^", self.position):
            out.append("^")
            self.position += 1
        first = True
        while self.position < len(self.pattern):
            char = self.pattern[self.position]
            if char == "]" and not first:
                self.position += 1
                out.append("]")
                return "".join(out)
            first = False
            if self.pattern.startswith("[:", self.position):
                raise self._fail("a POSIX class (write \\d, \\w or a range instead)")
            if char == "\\":
                out.append(self._escape(in_class=True))
                if self._starts_range(offset=-1):
                    raise self._fail("a range with an escaped end")
            elif self._starts_range():
                out.append(self._range())
            else:
                out.append(self._literal(char, in_class=True))
                self.position += 1
        raise self._fail("an unterminated character class")

    def _starts_range(self, offset: int = 0) -> bool:
        """Whether the character at the current position (plus offset) starts a range `a-z`."""
        start = self.position + offset
        rest = self.pattern[start : start + 3]
        if len(rest) < 3 or rest[1] != "-" or rest[2] == "]":
            return False
        if rest[2] == "\\":
            raise self._fail("a range with an escaped end")
        return True

    def _range(self) -> str:
        """A range of two plain characters, with its case variants outside it if case is ignored.

        The variants are explicit members, as for single non-ASCII letters, because how Sumo's
        regex engine folds the case of non-ASCII letters under `(?i)` is not documented.
        """
        low, high = self.pattern[self.position], self.pattern[self.position + 2]
        self.position += 3
        written = _class_member(low) + "-" + _class_member(high)
        if not self.ignore_case:
            return written
        return written + _class_members(range_case_variants(low, high))


def _space_class(negated: bool, in_class: bool) -> str:
    """`\\s` (or `\\S` when `negated`) as a class, or as members of the class it stands in."""
    if in_class:
        return NON_SPACE_MEMBERS if negated else SPACE_MEMBERS
    return ("[^" if negated else "[") + SPACE_MEMBERS + "]"


def _class_members(chars: tuple[str, ...]) -> str:
    """Sorted characters inside a class, each run of three or more written as a range."""
    out: list[str] = []
    start = 0
    while start < len(chars):
        end = start
        while end + 1 < len(chars) and ord(chars[end + 1]) == ord(chars[end]) + 1:
            end += 1
        if end - start >= 2:
            out.append(_class_member(chars[start]) + "-" + _class_member(chars[end]))
        else:
            out.extend(_class_member(char) for char in chars[start : end + 1])
        start = end + 1
    return "".join(out)


def _class_member(char: str) -> str:
    """One character inside a class: ASCII letters and digits as they are, others escaped."""
    return char if char.isascii() and char.isalnum() else hex_escape(char)
