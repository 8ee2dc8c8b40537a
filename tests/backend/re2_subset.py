"""The RE2 regexes the backend emits, checked for RE2-only syntax and rebuilt as Python regexes.

Only the constructs the backend writes are accepted: `\\x{..}` escapes, a backslash before one
of the RE2 metacharacters `\\ . + * ? ( ) [ ] { } ^ $` (outside classes), the classes `\\d \\D \\s
\\S \\w \\W`, the anchors `\\A \\z \\b \\B`, groups `(`, `(?:`, inline flags `(?ims)` and
`(?ims-ims:`, bracketed classes and the quantifiers `* + ? {n,m}` with lazy forms. Anything
else, in particular any other escaped punctuation character or a bare `/`, fails the check. The
Python pattern keeps RE2's meaning: `\\s`, `\\d`, `\\w` are ASCII classes, `$` without the `m`
flag matches only at the very end, `\\z` is Python's `\\Z`.
"""
import re

RE2_FLAG_GROUP = re.compile(r"\(\?([ims]*)(?:-([ims]*))?([:)])")
REPEAT = re.compile(r"\{\d+(,\d*)?\}")
HEX = re.compile(r"\\x\{([0-9a-f]{1,6})\}")
METACHARACTERS = frozenset("\\.+*?()[]{}^$")

OUTSIDE_CLASS = {
    "d": "[0-9]",
    "D": "[^0-9]",
    "s": "[\\t\\n\\f\\r ]",
    "S": "[^\\t\\n\\f\\r ]",
    "w": "[0-9A-Za-z_]",
    "W": "[^0-9A-Za-z_]",
    "A": "\\A",
    "z": "\\Z",
    "b": "\\b",
    "B": "\\B",
}
INSIDE_CLASS = {
    "d": "0-9",
    "D": "\\x00-/:-\\U0010ffff",
    "s": "\\t\\n\\f\\r ",
    "S": "\\x00-\\x08\\x0b\\x0e-\\x1f\\x21-\\U0010ffff",
    "w": "0-9A-Za-z_",
    "W": "\\x00-/:-@\\[-^`{-\\U0010ffff",
}


class NotEmittedRE2(ValueError):
    """The regex uses syntax outside the RE2 subset the backend is meant to emit."""


def to_python(pattern: str, unicode_case: bool) -> re.Pattern[str]:
    """The Python regex with the meaning RE2 gives `pattern`.

    `unicode_case` selects how the engine folds case under `(?i)`: Unicode-wide (RE2) or ASCII
    only (as some engines do); the backend's output must not depend on the choice.
    """
    out: list[str] = []
    # Per open group: the multiline flag outside it, and how many scoped flag groups opened
    # inside it must be closed with it (RE2 lets `(?i)` stand anywhere, Python only first).
    groups: list[tuple[bool, int]] = [(False, 0)]
    multiline = False
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "/" or char in "\n\r":
            raise NotEmittedRE2(f"bare {char!r} at {position} in {pattern!r}")
        if char == "\\":
            text, position = _escape(pattern, position, OUTSIDE_CLASS)
            out.append(text)
            continue
        if char == "[":
            text, position = _char_class(pattern, position)
            out.append(text)
            continue
        if char == "(":
            flags = RE2_FLAG_GROUP.match(pattern, position)
            if flags:
                on, off, end = flags.group(1), flags.group(2) or "", flags.group(3)
                inner = "m" in on or ("m" not in off and multiline)
                scoped = f"(?{on}-{off}:" if off else f"(?{on}:" if on else "(?:"
                if end == ":":
                    groups.append((multiline, 0))
                    out.append(scoped)
                elif not out:
                    out.append(f"(?{on})" if on and not off else "")
                else:
                    saved, extra = groups.pop()
                    groups.append((saved, extra + 1))
                    out.append(scoped)
                multiline = inner
                position = flags.end()
                continue
            if pattern.startswith("(?", position) and not pattern.startswith("(?:", position):
                raise NotEmittedRE2(f"group construct at {position} in {pattern!r}")
            opener = "(?:" if pattern.startswith("(?:", position) else "("
            groups.append((multiline, 0))
            out.append(opener)
            position += len(opener)
            continue
        if char == ")":
            multiline, extra = groups.pop()
            out.append(")" * (extra + 1))
            position += 1
            continue
        if char == "{":
            repeat = REPEAT.match(pattern, position)
            if not repeat:
                raise NotEmittedRE2(f"bare '{{' at {position} in {pattern!r}")
            out.append(repeat.group(0))
            position = repeat.end()
            continue
        out.append("\\Z" if char == "$" and not multiline else char)
        position += 1

    out.append(")" * groups[0][1])
    flags = 0 if unicode_case else re.ASCII
    return re.compile("".join(out), flags)


def _escape(pattern: str, position: int, table: dict[str, str]) -> tuple[str, int]:
    """An escape at `position`: its Python text and the position after it."""
    hex_match = HEX.match(pattern, position)
    if hex_match:
        return "\\U%08x" % int(hex_match.group(1), 16), hex_match.end()
    letter = pattern[position + 1 : position + 2]
    if letter in table:
        return table[letter], position + 2
    if table is OUTSIDE_CLASS and letter and letter in METACHARACTERS:
        return re.escape(letter), position + 2
    raise NotEmittedRE2(f"escape {pattern[position:position + 2]!r} in {pattern!r}")


def _char_class(pattern: str, position: int) -> tuple[str, int]:
    """A bracketed class starting at `position`: its Python text and the position after it."""
    out = ["["]
    position += 1
    if pattern.startswith("^", position):
        out.append("^")
        position += 1
    while position < len(pattern) and pattern[position] != "]":
        char = pattern[position]
        if char == "\\":
            text, position = _escape(pattern, position, INSIDE_CLASS)
            out.append(text)
        elif char.isascii() and (char.isalnum() or char == "-"):
            out.append(char)
            position += 1
        else:
            raise NotEmittedRE2(f"unescaped {char!r} in a class in {pattern!r}")
    if position >= len(pattern):
        raise NotEmittedRE2(f"unterminated class in {pattern!r}")
    return "".join(out) + "]", position + 1
