"""The capture groups of a regular expression, found by walking its text once.

The walk knows escapes, `\\Q...\\E` literals, character classes (with `[:name:]` inside them)
and the group openers of RE2; the pattern is taken to be one RE2 accepts.
"""
import re
from dataclasses import dataclass

_NAMED_OPENER = re.compile(r"\(\?P?<([^>]*)>")
_FLAGS_ONLY = re.compile(r"\(\?[A-Za-z]*(?:-[A-Za-z]*)?\)")


@dataclass(frozen=True)
class CaptureGroup:
    """One capturing group: its name (None when unnamed), where it opens, whether it is nested
    inside a named group."""

    name: str | None
    offset: int
    inside_named: bool


def capture_groups(pattern: str) -> list[CaptureGroup]:
    """Every capturing group of the pattern, in the order they open."""
    groups: list[CaptureGroup] = []
    open_groups: list[bool] = []
    i = 0

    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i = _after_escape(pattern, i)
        elif ch == "[":
            i = _after_class(pattern, i)
        elif ch == ")":
            if open_groups:
                open_groups.pop()
            i += 1
        elif ch != "(":
            i += 1
        elif flags := _FLAGS_ONLY.match(pattern, i):
            i = flags.end()
        else:
            named = _NAMED_OPENER.match(pattern, i)
            capturing = named is not None or not pattern.startswith("(?", i)
            if capturing:
                name = named.group(1) if named else None
                groups.append(CaptureGroup(name, i, any(open_groups)))
            open_groups.append(named is not None)
            i = named.end() if named else i + 1
    return groups


def _after_escape(pattern: str, i: int) -> int:
    """The index after the escape at `i`; `\\Q` runs to its `\\E` or the end."""
    if pattern.startswith("\\Q", i):
        end = pattern.find("\\E", i + 2)
        return len(pattern) if end < 0 else end + 2
    return i + 2


def _after_class(pattern: str, i: int) -> int:
    """The index after the character class opening at `i`."""
    opener = re.match(r"\[\^?\]?", pattern[i:])
    j = i + len(opener.group(0))
    while j < len(pattern) and pattern[j] != "]":
        if pattern[j] == "\\":
            j += 2
        elif pattern.startswith("[:", j) and pattern.find(":]", j + 2) >= 0:
            j = pattern.find(":]", j + 2) + 2
        else:
            j += 1
    return j + 1
