"""Whether a regular expression is one RE2 (the engine behind Sumo's `matches /re/`) accepts.

RE2 has no look-around, no back-references, no possessive quantifiers, no atomic groups, no
recursion or conditionals, and repeat counts of at most 1000. Python's `re` has all of those,
so the pattern is first scanned for them, then rewritten where the two dialects only spell the
same thing differently (`\\pL`, `\\x{41}`, `\\Q..\\E`, `\\z`, inline flags anywhere) and compiled
with `re` to catch the rest (unbalanced groups, bad ranges, dangling quantifiers).
"""
import re
import warnings
from dataclasses import dataclass

RE2_MAX_REPEAT = 1000

_POSIX_CLASSES = frozenset(
    "alnum alpha ascii blank cntrl digit graph lower print punct space upper word xdigit".split()
)

_RE2_FLAGS = frozenset("imsU")

# Escapes that exist in Perl or Python but that RE2 rejects, with what each would have meant.
_UNSUPPORTED_ESCAPES = {
    "Z": "end of text before a final newline (RE2 has only \\z)",
    "G": "end of the previous match",
    "K": "match reset",
    "R": "any line break",
    "X": "extended grapheme cluster",
    "h": "horizontal space",
    "H": "non-horizontal space",
    "V": "non-vertical space",
    "N": "non-newline or named character",
    "e": "escape character",
    "c": "control character",
    "k": "named back-reference",
    "g": "back-reference",
    "u": "code point (RE2 spells it \\x{...})",
    "U": "code point (RE2 spells it \\x{...})",
}

_GROUP_OPENERS_REJECTED = (
    ("(?<=", "look-behind"),
    ("(?<!", "negative look-behind"),
    ("(?=", "look-ahead"),
    ("(?!", "negative look-ahead"),
    ("(?>", "atomic group"),
    ("(?#", "comment group"),
    ("(?(", "conditional group"),
    ("(?|", "branch-reset group"),
    ("(?R", "recursion"),
    ("(?&", "subroutine call"),
    ("(?P=", "named back-reference"),
    ("(?P>", "subroutine call"),
)


class NotRE2Error(ValueError):
    """The pattern is not valid RE2; `offset` is the index in the pattern where it breaks."""

    def __init__(self, message: str, offset: int) -> None:
        self.message = message
        self.offset = offset
        super().__init__(f"{message} (at pattern offset {offset})")


@dataclass(frozen=True)
class _Scan:
    """The pattern rewritten for Python's `re`, once every RE2-only construct has been checked."""

    python_pattern: str


def check_re2(pattern: str) -> None:
    """Raise NotRE2Error unless RE2 would compile the pattern."""
    scan = _scan(pattern)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            re.compile(scan.python_pattern)
        except re.error as error:
            # Positions only carry over when the rewrite changed nothing.
            same_text = scan.python_pattern == pattern
            position = error.pos if same_text and error.pos is not None else 0
            raise NotRE2Error(f"invalid regular expression: {error.msg}", position) from None


def _scan(pattern: str) -> _Scan:
    """Walk the pattern once, rejecting RE2-unsupported syntax and translating the rest."""
    out: list[str] = []
    i = 0
    in_class = False
    last = "other"

    while i < len(pattern):
        ch = pattern[i]

        if ch == "\\":
            translated, i = _escape(pattern, i, in_class)
            out.append(translated)
            last = "other"
            continue

        if in_class:
            if ch == "]":
                in_class = False
                last = "other"
            elif pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                name = pattern[i + 2 : end].lstrip("^") if end >= 0 else ""
                if end >= 0 and name in _POSIX_CLASSES:
                    out.append("a")
                    i = end + 2
                    continue
            out.append(ch)
            i += 1
            continue

        if ch == "[":
            # A `]` right after `[` or `[^` is a member of the class, not its end.
            opener = re.match(r"\[\^?\]?", pattern[i:])
            in_class = True
            out.append(opener.group(0))
            i += len(opener.group(0))
            continue

        if ch == "(" and pattern.startswith("(?", i):
            translated, i = _group_opener(pattern, i)
            out.append(translated)
            last = "other"
            continue

        if ch in "*+?":
            if ch == "+" and last == "quantifier":
                raise NotRE2Error("possessive quantifier (RE2 has none)", i)
            out.append(ch)
            i += 1
            if last == "quantifier":
                last = "lazy" if ch == "?" else "other"
            else:
                last = "quantifier"
            continue

        if ch == "{":
            repeat = re.match(r"\{(\d+)(,(\d*))?\}", pattern[i:])
            if repeat:
                _check_repeat(repeat, i)
                out.append(repeat.group(0))
                i += len(repeat.group(0))
                last = "quantifier"
                continue

        out.append(ch)
        i += 1
        last = "other"

    return _Scan("".join(out))


def _check_repeat(repeat: re.Match[str], offset: int) -> None:
    """Reject `{n,m}` counts over RE2's limit or out of order."""
    low = int(repeat.group(1))
    high_text = repeat.group(3)
    high = int(high_text) if high_text else None

    if low > RE2_MAX_REPEAT or (high is not None and high > RE2_MAX_REPEAT):
        raise NotRE2Error(f"repeat count over RE2's limit of {RE2_MAX_REPEAT}", offset)
    if high is not None and high < low:
        raise NotRE2Error("repeat range with its maximum below its minimum", offset)


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """Check the escape at `i` (a backslash) and return its Python spelling and the next index."""
    if i + 1 >= len(pattern):
        raise NotRE2Error("trailing backslash", i)
    ch = pattern[i + 1]

    if ch in "123456789":
        raise NotRE2Error("back-reference (RE2 has none)", i)
    if ch in _UNSUPPORTED_ESCAPES:
        raise NotRE2Error(f"\\{ch} ({_UNSUPPORTED_ESCAPES[ch]}) is not RE2", i)

    if ch in "pP":
        # Shortcoming: the class name is not checked, so `\p{NoSuchScript}` passes here.
        if pattern.startswith("{", i + 2):
            end = pattern.find("}", i + 3)
            if end < 0:
                raise NotRE2Error("unterminated \\p{...} class", i)
            return ("a" if in_class else "."), end + 1
        if i + 2 >= len(pattern):
            raise NotRE2Error("\\p without a class name", i)
        return ("a" if in_class else "."), i + 3

    if ch == "x" and pattern.startswith("{", i + 2):
        end = pattern.find("}", i + 3)
        digits = pattern[i + 3 : end] if end >= 0 else ""
        if not re.fullmatch(r"[0-9A-Fa-f]{1,8}", digits) or int(digits, 16) > 0x10FFFF:
            raise NotRE2Error("bad \\x{...} character code", i)
        return f"\\U{int(digits, 16):08x}", end + 1

    if ch == "Q":
        end = pattern.find("\\E", i + 2)
        literal_end = end if end >= 0 else len(pattern)
        resume = end + 2 if end >= 0 else len(pattern)
        return re.escape(pattern[i + 2 : literal_end]), resume

    if ch == "E":
        return "", i + 2
    if ch == "z":
        return ("z" if in_class else "\\Z"), i + 2
    if ch == "C":
        return ("a" if in_class else "."), i + 2

    return pattern[i : i + 2], i + 2


def _group_opener(pattern: str, i: int) -> tuple[str, int]:
    """Check the `(?` group opener at `i` and return its Python spelling and the next index."""
    for opener, meaning in _GROUP_OPENERS_REJECTED:
        if pattern.startswith(opener, i):
            raise NotRE2Error(f"{meaning} (RE2 has none)", i)

    if pattern.startswith("(?P<", i) or pattern.startswith("(?<", i):
        name_start = pattern.index("<", i) + 1
        end = pattern.find(">", name_start)
        name = pattern[name_start:end] if end >= 0 else ""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise NotRE2Error("bad capture group name", i)
        return f"(?P<{name}>", end + 1

    flags = re.match(r"\(\?([A-Za-z]*)(-([A-Za-z]*))?([:)])", pattern[i:])
    if not flags:
        raise NotRE2Error("unknown group syntax after (?", i)
    letters = (flags.group(1) or "") + (flags.group(3) or "")
    unknown = sorted(set(letters) - _RE2_FLAGS)
    if unknown:
        raise NotRE2Error(f"flag {''.join(unknown)!r} is not an RE2 flag (RE2 has i, m, s, U)", i)
    if flags.group(2) is not None and not flags.group(3) or not letters and flags.group(4) == ")":
        raise NotRE2Error("empty flag group", i)

    # Flags change matching, not syntax: Python only needs to see the group they open, if any.
    translated = "(?:" if flags.group(4) == ":" else ""
    return translated, i + len(flags.group(0))
