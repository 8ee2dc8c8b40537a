"""A reference evaluator for the subset of Sumo Logic search the backend emits.

It reads the query text (scope, `json` stage, `where` stage) and decides whether one event,
a JSON object, is returned. Where Sumo's documentation leaves a behaviour open, the event is
evaluated under every reading and all readings must agree:

- `matches /re/` tests the whole string, or searches for a substring;
- a field missing from the event (`nodrop`) compares as unknown (three-valued logic), or as
  the empty string; `isNull` is true for it either way (documented);
- `(?i)` folds the case of all Unicode letters, or of ASCII letters only;
- `_raw` holds the event as JSON with non-ASCII characters as they are, or as `\\u` escapes.

Documented behaviour: `=` and `in` compare strings case-sensitively, `toLowerCase` lower-cases,
`num` casts a number-shaped string to a number, `!` negates; parsed values are strings.
"""
import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

from .re2_subset import to_python

TOKEN = re.compile(
    r'\s*(?:(?P<string>"[^"\\]*")|(?P<regex>/[^/]*/)|(?P<number>-?\d+(?:\.\d+)?)'
    r"|(?P<op>!=|<=|>=|[=<>!(),])|(?P<word>[A-Za-z_][A-Za-z0-9_]*))"
)
JSON_STAGE = re.compile(r'\| json field=_raw (?P<paths>"[^"]*"(?:, "[^"]*")*) as (?P<names>.+) nodrop')
PATH_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\['([^']*)'\]")


@dataclass(frozen=True)
class Reading:
    """One interpretation of the behaviours Sumo's documentation leaves open."""

    whole_string: bool
    null_as_empty: bool
    unicode_case: bool
    raw_ascii: bool


READINGS = [Reading(*choice) for choice in itertools.product([False, True], repeat=4)]


class ReadingsDisagree(AssertionError):
    """The query's verdict on an event depends on an undocumented behaviour of Sumo."""


def query_matches(query: str, event: dict[str, Any]) -> bool:
    """Whether Sumo returns `event` for `query`, the same under every reading."""
    verdicts = {reading: _evaluate(query, event, reading) for reading in READINGS}
    if len(set(verdicts.values())) != 1:
        detail = ", ".join(f"{reading}: {verdict}" for reading, verdict in verdicts.items())
        raise ReadingsDisagree(f"verdict depends on the reading: {detail}")
    return next(iter(verdicts.values()))


def _evaluate(query: str, event: dict[str, Any], reading: Reading) -> bool:
    """The verdict under one reading; the scope line is not evaluated."""
    lines = query.split("\n")
    fields: dict[str, str | None] = {"_raw": json.dumps(event, ensure_ascii=reading.raw_ascii)}
    condition = None
    for line in lines[1:]:
        if line.startswith("| json "):
            fields.update(_extract(line, event))
        elif line.startswith("| where "):
            condition = line[len("| where ") :]
        else:
            raise ValueError(f"stage outside the emitted subset: {line!r}")
    if condition is None:
        return True
    return _Parser(condition, fields, reading).verdict() is True


def _extract(stage: str, event: dict[str, Any]) -> dict[str, str | None]:
    """The values a `json field=_raw ... nodrop` stage extracts, None for missing keys."""
    match = JSON_STAGE.fullmatch(stage)
    if not match:
        raise ValueError(f"json stage outside the emitted subset: {stage!r}")
    paths = [path.strip('"') for path in match.group("paths").split(", ")]
    names = match.group("names").split(", ")
    assert len(paths) == len(names), stage
    return {name: json_lookup(event, path) for name, path in zip(names, paths)}


def json_lookup(event: Any, path: str) -> str | None:
    """The value at a JSON path as Sumo's json operator gives it: text, or None."""
    value = event
    position = 0
    while position < len(path):
        step = PATH_STEP.match(path, position)
        if not step:
            raise ValueError(f"path outside the emitted subset: {path!r}")
        key = step.group(1) if step.group(1) is not None else step.group(2)
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
        position = step.end()
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


class _Parser:
    """Recursive descent over the `where` expression, evaluating as it goes.

    Values: True, False, or None for unknown. `and`/`or` may not be mixed without parentheses.
    """

    def __init__(self, text: str, fields: dict[str, str | None], reading: Reading) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.fields = fields
        self.reading = reading

    def verdict(self) -> bool | None:
        """The value of the whole expression."""
        value = self._junction()
        if self.position != len(self.tokens):
            raise ValueError(f"unparsed rest: {self.tokens[self.position:]}")
        return value

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        token = self._peek()
        if token is None or (expected is not None and token[1] != expected):
            raise ValueError(f"expected {expected!r}, found {token!r}")
        self.position += 1
        return token

    def _junction(self) -> bool | None:
        values = [self._unary()]
        operator = None
        while (token := self._peek()) is not None and token[1] in ("and", "or"):
            if operator not in (None, token[1]):
                raise ValueError("'and' and 'or' mixed without parentheses")
            operator = self._take()[1]
            values.append(self._unary())
        if operator == "and":
            return False if False in values else None if None in values else True
        if operator == "or":
            return True if True in values else None if None in values else False
        return values[0]

    def _unary(self) -> bool | None:
        token = self._peek()
        if token == ("op", "!"):
            self._take()
            value = self._unary()
            return None if value is None else not value
        if token == ("op", "("):
            self._take()
            value = self._junction()
            self._take(")")
            return value
        return self._comparison()

    def _comparison(self) -> bool | None:
        kind, word = self._peek() or ("", "")
        if word == "isNull":
            return self._operand() is None
        left = self._operand()
        operator = self._take()[1]
        if operator == "matches":
            kind, literal = self._take()
            assert kind == "regex", literal
            return None if left is None else self._regex_match(literal[1:-1], str(left))
        if operator == "in":
            self._take("(")
            options = [self._string()]
            while self._peek() == ("op", ","):
                self._take()
                options.append(self._string())
            self._take(")")
            return None if left is None else left in options
        right = self._number() if operator in ("<", "<=", ">", ">=") else self._value()
        if left is None or right is None:
            return None
        if operator in ("=", "!="):
            return (left == right) == (operator == "=")
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[
            operator
        ]

    def _operand(self, raw: bool = False) -> Any:
        """A field, or a function of a field; None for null.

        `raw` reads a missing field as null even under the empty-string reading, as `isNull`
        does by its documentation.
        """
        kind, word = self._take()
        assert kind == "word", word
        if word in ("isNull", "toLowerCase", "num"):
            self._take("(")
            value = self._operand(raw=word == "isNull")
            self._take(")")
            if value is None or word == "isNull":
                return value
            if word == "toLowerCase":
                return value.lower()
            return float(value) if re.fullmatch(r"-?\d+(\.\d+)?", value) else None
        if word not in self.fields:
            raise ValueError(f"field {word!r} is not extracted")
        value = self.fields[word]
        if value is None and self.reading.null_as_empty and not raw:
            return ""
        return value

    def _value(self) -> Any:
        token = self._peek()
        if token is not None and token[0] == "string":
            return self._string()
        return self._operand()

    def _string(self) -> str:
        kind, literal = self._take()
        assert kind == "string", literal
        return literal[1:-1]

    def _number(self) -> float:
        kind, literal = self._take()
        assert kind == "number", literal
        return float(literal)

    def _regex_match(self, pattern: str, text: str) -> bool:
        compiled = to_python(pattern, self.reading.unicode_case)
        if self.reading.whole_string:
            return compiled.fullmatch(text) is not None
        return compiled.search(text) is not None


def _tokens(text: str) -> list[tuple[str, str]]:
    """The tokens of a `where` expression as (kind, text) pairs."""
    tokens = []
    position = 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"cannot read {text[position:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens
