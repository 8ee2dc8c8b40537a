"""Runs the Sumo Logic query subset that correlation queries use over a list of events.

An event is a dict with `_messageTime` (epoch ms) and `_raw` (the JSON text of the message).
The scope line is not evaluated: every event given is taken to be in scope. Stages run in
order, one per line; `//` lines are comments. What each stage does follows Sumo's documented
behaviour; where the documentation is silent the choice is named here:

- `json ... nodrop`: a missing key leaves the field null.
- A comparison with a null side is false; arithmetic with a null gives null.
- `parse regex ... multi`: one copy of the message per match (documented).
- `count_distinct` counts a null like any other value (the docs say an empty value counts).
- `pct` interpolates linearly between ranks; tests pick values where the usual percentile
  definitions agree, because Sumo does not say which one it uses.
- Field names are compared without regard to case, as in Sumo.

Anything outside this subset raises, so a query the simulator cannot read fails its test; so
does a query the syntax checker rejects, which Sumo would refuse to run.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import operator
import re
from collections.abc import Callable
from typing import Any

from tests.backend.sumo_reference import json_lookup
from tests.sumo import check_query

Row = dict[str, Any]

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
}

TOKEN = re.compile(
    r'\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<string>"(?:\\.|[^"\\])*")'
    r'|(?P<quoted>%"(?:\\.|[^"\\])*")|(?P<name>[A-Za-z_][A-Za-z0-9_]*)'
    r"|(?P<op><=|>=|!=|[=<>+\-*/%!(),]))"
)
REGEX_LITERAL = re.compile(r"\s*(/(?:\\.|[^/\\])*/)")


def run(query: str, events: list[Row]) -> list[Row]:
    """The rows a query leaves after every stage, each a dict keyed by lower-cased field."""
    check_query(query)
    rows = [{k.lower(): v for k, v in event.items()} for event in events]
    lines = query.split("\n")
    for line in lines[1:]:
        if line.startswith("//"):
            continue
        if not line.startswith("| "):
            raise ValueError(f"not a stage: {line}")
        rows = _stage(line[2:], rows)
    return rows


def _stage(text: str, rows: list[Row]) -> list[Row]:
    if text.startswith("json field=_raw "):
        return _json(text, rows)
    if text.startswith("where "):
        test = _expression(text[len("where ") :])
        return [row for row in rows if test(row) is True]
    if text.startswith("parse regex field="):
        return _parse_multi(text, rows)
    if text.startswith("count as "):
        return _aggregate(text, rows)
    if text.startswith("sort by "):
        key = _field(text[len("sort by ") :])
        return sorted(rows, key=lambda row: (row[key] is not None, row[key]), reverse=True)
    if text.startswith("fields "):
        keep = [_field(f) for f in text[len("fields ") :].split(", ")]
        return [{k: row.get(k) for k in keep} for row in rows]
    expression, _, target = text.rpartition(" as ")
    value = _expression(expression)
    return [{**row, _field(target): value(row)} for row in rows]


def _field(text: str) -> str:
    text = text.strip()
    if text.startswith('%"'):
        return json.loads(text[1:]).lower()
    return text.lower()


def _json(text: str, rows: list[Row]) -> list[Row]:
    match = re.fullmatch(r'json field=_raw (.+) as (.+) nodrop', text)
    assert match, text
    paths = [json.loads(p) for p in match.group(1).split(", ")]
    names = [_field(n) for n in match.group(2).split(", ")]
    out = []
    for row in rows:
        message = json.loads(row["_raw"])
        values = {name: json_lookup(message, path) for path, name in zip(paths, names)}
        out.append({**row, **values})
    return out


def _parse_multi(text: str, rows: list[Row]) -> list[Row]:
    match = re.fullmatch(r'parse regex field=(\S+) "\(\?<(\w+)>(.+)\)" multi', text)
    assert match, text
    source, target, pattern = _field(match.group(1)), match.group(2).lower(), match.group(3)
    return [
        {**row, target: found}
        for row in rows
        for found in re.findall(pattern, row[source] or "")
    ]


AGGREGATES: dict[str, Callable[[list[Any], list[str]], Any]] = {
    "count_distinct": lambda values, _: len(set(values)),
    "min": lambda values, _: min(_numbers(values), default=None),
    "max": lambda values, _: max(_numbers(values), default=None),
    "sum": lambda values, _: sum(_numbers(values)),
    "avg": lambda values, _: _mean(_numbers(values)),
    "pct": lambda values, args: _percentile(_numbers(values), float(args[0])),
}


def _aggregate(text: str, rows: list[Row]) -> list[Row]:
    aggregates, _, keys = text.rpartition(" by ")
    key_fields = [_field(k) for k in keys.split(", ")]
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(tuple(row.get(k) for k in key_fields), []).append(row)

    out = []
    for key, members in groups.items():
        result: Row = dict(zip(key_fields, key))
        for item in _top_level(aggregates):
            call, _, name = item.partition(" as ")
            if call == "count":
                result[_field(name)] = len(members)
                continue
            match = re.fullmatch(r"(\w+)\(([^,()]+)((?:, [0-9.]+)*)\)", call)
            assert match, item
            function, source = match.group(1), _field(match.group(2))
            args = [a for a in match.group(3).split(", ") if a]
            values = [m.get(source) for m in members]
            result[_field(name)] = AGGREGATES[function](values, args)
        out.append(result)
    return out


def _top_level(text: str) -> list[str]:
    """Split a comma-separated list at the commas outside parentheses."""
    items, depth, start = [], 0, 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(text[start:position].strip())
            start = position + 1
    items.append(text[start:].strip())
    return items


def _numbers(values: list[Any]) -> list[float]:
    return [float(v) for v in values if v is not None]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * pct / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _expression(text: str) -> Callable[[Row], Any]:
    """Parse a Sumo expression into a function of a row."""
    tokens = _tokens(text)
    parser = _Parser(tokens)
    function = parser.disjunction()
    if parser.position != len(tokens):
        raise ValueError(f"unread tail in {text!r}: {tokens[parser.position:]}")
    return function


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position, end = 0, len(text.rstrip())
    while position < end:
        literal = REGEX_LITERAL.match(text, position)
        if literal and tokens and tokens[-1] == ("name", "matches"):
            tokens.append(("regex", literal.group(1)))
            position = literal.end()
            continue
        match = TOKEN.match(text, position)
        if not match or not match.lastgroup:
            raise ValueError(f"cannot read {text[position:]!r}")
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        position = match.end()
    return tokens


class _Parser:
    """Precedence from loosest: or, and, !, comparison and matches, + -, * / %."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.position]
        if value is not None and token[1] != value:
            raise ValueError(f"expected {value}, got {token}")
        self.position += 1
        return token

    def disjunction(self) -> Callable[[Row], Any]:
        parts = [self.conjunction()]
        while self.peek() == ("name", "or"):
            self.take()
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        return lambda row: any(p(row) is True for p in parts)

    def conjunction(self) -> Callable[[Row], Any]:
        parts = [self.negation()]
        while self.peek() == ("name", "and"):
            self.take()
            parts.append(self.negation())
        if len(parts) == 1:
            return parts[0]
        return lambda row: all(p(row) is True for p in parts)

    def negation(self) -> Callable[[Row], Any]:
        if self.peek() == ("op", "!"):
            self.take()
            inner = self.negation()
            return lambda row: inner(row) is not True
        return self.comparison()

    def comparison(self) -> Callable[[Row], Any]:
        left = self.additive()
        token = self.peek()
        if token == ("name", "matches"):
            self.take()
            kind, pattern = self.take()
            return _matcher(left, kind, pattern)
        if token and token[1] in ("=", "!=", "<", "<=", ">", ">="):
            self.take()
            right = self.additive()
            return lambda row: _compare(token[1], left(row), right(row))
        return left

    def additive(self) -> Callable[[Row], Any]:
        left = self.multiplicative()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            left = _arithmetic(op, left, self.multiplicative())
        return left

    def multiplicative(self) -> Callable[[Row], Any]:
        left = self.primary()
        while self.peek() in (("op", "*"), ("op", "/"), ("op", "%")):
            op = self.take()[1]
            left = _arithmetic(op, left, self.primary())
        return left

    def primary(self) -> Callable[[Row], Any]:
        kind, value = self.take()
        if kind == "number":
            number = float(value) if "." in value else int(value)
            return lambda row: number
        if kind == "string":
            text = json.loads(value)
            return lambda row: text
        if kind == "quoted":
            name = _field(value)
            return lambda row: row.get(name)
        if value == "(":
            inner = self.disjunction()
            self.take(")")
            return inner
        if kind == "name" and self.peek() == ("op", "("):
            self.take("(")
            args = [self.disjunction()]
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.disjunction())
            self.take(")")
            return _call(value, args)
        if kind == "name":
            name = value.lower()
            return lambda row: row.get(name)
        raise ValueError(f"unexpected {value!r}")


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except ValueError:
        return None


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    if isinstance(left, (int, float)) or isinstance(right, (int, float)):
        left, right = _number(left), _number(right)
        if left is None or right is None:
            return False
    return COMPARISONS[op](left, right)


def _arithmetic(op: str, left: Callable[[Row], Any], right: Callable[[Row], Any]) -> Callable:
    def apply(row: Row) -> Any:
        a, b = _number(left(row)), _number(right(row))
        if a is None or b is None:
            return None
        if op in "/%" and b == 0:
            return None
        return ARITHMETIC[op](a, b)

    return apply


def _matcher(subject: Callable[[Row], Any], kind: str, pattern: str) -> Callable[[Row], bool]:
    if kind == "regex":
        compiled = re.compile(pattern[1:-1])
    else:
        parts = json.loads(pattern).split("*")
        compiled = re.compile(".*".join(re.escape(p) for p in parts) + r"\Z", re.DOTALL)

    def test(row: Row) -> bool:
        value = subject(row)
        if value is None:
            return False
        found = compiled.search(str(value)) if kind == "regex" else compiled.match(str(value))
        return found is not None

    return test


def _call(name: str, args: list[Callable[[Row], Any]]) -> Callable[[Row], Any]:
    functions: dict[str, Callable[..., Any]] = {
        "num": _number,
        "isnull": lambda v: v is None,
        "tolong": lambda v: None if v is None else int(v),
        "round": lambda v: None if v is None else math.floor(v + 0.5),
        "max": lambda a, b: None if a is None or b is None else max(a, b),
        "tolowercase": lambda v: None if v is None else str(v).lower(),
        "formatdate": _format_date,
    }
    if name.lower() == "if":
        condition, when_true, when_false = args
        return lambda row: when_true(row) if condition(row) is True else when_false(row)
    function = functions[name.lower()]
    return lambda row: function(*(arg(row) for arg in args))


def _format_date(ms: int | None, pattern: str, zone: str) -> str | None:
    if pattern != "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'" or zone != "UTC":
        raise ValueError(f"date pattern {pattern!r} in {zone!r} is not simulated")
    if ms is None:
        return None
    moment = dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def event(ms: int, message: dict[str, Any]) -> Row:
    """One message at `ms` (epoch milliseconds) whose raw text is the JSON of `message`."""
    return {"_messageTime": ms, "_raw": json.dumps(message)}
