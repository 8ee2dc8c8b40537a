"""Tokens of a Sumo Logic query, read in two modes.

Before the first pipe (the scope) the text is a keyword expression: bare words may hold `*`,
`/`, `:` and most punctuation. After it, each stage is operator syntax: names, `%"quoted"`
field names, strings, numbers, comparison and arithmetic operators and, right after `matches`,
`/regex/` literals. `//` starts a comment that runs to the end of the line wherever a token
could start, as the Sumo docs describe; the `/* */` comments they also describe are refused,
because the backend never writes one. `%` is the modulo operator unless a `"` follows it.

Strings are double-quoted and end on their line, as every string the backend writes does; a
backslash takes the next character literally, so `\\"` does not end the string. The Sumo docs
only document `\\"`; reading `\\\\` as one backslash is an assumption shared with whatever
renders the strings.
"""
import re
from dataclasses import dataclass

from .errors import SumoSyntaxError

PIPE = "pipe"
LPAREN = "lparen"
RPAREN = "rparen"
COMMA = "comma"
OPERATOR = "operator"
BANG = "bang"
MINUS = "minus"
ARITHMETIC = "arithmetic"
STRING = "string"
REGEX = "regex"
NUMBER = "number"
NAME = "name"
QUOTED_FIELD = "quoted_field"
WORD = "word"
END = "end"

# Longest first, so `<=` is not read as `<` then `=`.
COMPARISON_OPERATORS = ("==", "!=", "<>", "<=", ">=", "=", "<", ">")

# Arithmetic besides `-`, which is a token of its own because it also negates a number.
ARITHMETIC_OPERATORS = frozenset("+*/%")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_NUMBER = re.compile(r"\d+(\.\d+)?([A-Za-z]+)?")
_SCOPE_WORD_STOP = frozenset(' \t\r\n()"|=')


@dataclass(frozen=True)
class Token:
    """One token: `value` is the unescaped content of strings, regexes and quoted fields."""

    kind: str
    text: str
    value: str
    offset: int


def tokenize(text: str) -> list[Token]:
    """Split a whole query into tokens, ending with one END token."""
    return _Lexer(text).run()


class _Lexer:
    """Walks the text once; `in_scope` is true until the first pipe."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.in_scope = True
        self.tokens: list[Token] = []

    def run(self) -> list[Token]:
        while True:
            self._skip_space_and_comments()
            if self.i >= len(self.text):
                self.tokens.append(Token(END, "", "", self.i))
                return self.tokens
            self.tokens.append(self._scope_token() if self.in_scope else self._stage_token())

    def fail(self, message: str, offset: int | None = None) -> SumoSyntaxError:
        return SumoSyntaxError(message, self.text, self.i if offset is None else offset)

    def _skip_space_and_comments(self) -> None:
        while self.i < len(self.text):
            if self.text[self.i].isspace():
                self.i += 1
            elif self.text.startswith("//", self.i) and not self._regex_expected():
                end = self.text.find("\n", self.i)
                self.i = len(self.text) if end < 0 else end
            else:
                return

    def _regex_expected(self) -> bool:
        last = self.tokens[-1] if self.tokens else None
        return (
            not self.in_scope
            and last is not None
            and last.kind == NAME
            and last.text.lower() == "matches"
        )

    def _punctuation(self) -> Token | None:
        ch = self.text[self.i]
        kinds = {"|": PIPE, "(": LPAREN, ")": RPAREN}
        if ch not in kinds:
            return None
        if ch == "|":
            self.in_scope = False
        self.i += 1
        return Token(kinds[ch], ch, ch, self.i - 1)

    def _scope_token(self) -> Token:
        start = self.i
        punctuation = self._punctuation()
        if punctuation:
            return punctuation
        if self.text[start] == '"':
            return self._string()
        for operator in ("!=", "="):
            if self.text.startswith(operator, start):
                self.i += len(operator)
                return Token(OPERATOR, operator, operator, start)

        while self.i < len(self.text) and self.text[self.i] not in _SCOPE_WORD_STOP:
            if self.text.startswith("!=", self.i):
                break
            self.i += 1
        word = self.text[start : self.i]
        return Token(WORD, word, word, start)

    def _stage_token(self) -> Token:
        start = self.i
        ch = self.text[start]

        if ch == "/" and self._regex_expected():
            return self._regex()
        if self.text.startswith("/*", start):
            if self.text.find("*/", start + 2) < 0:
                raise self.fail("unterminated `/*` comment: no closing `*/`")
            raise self.fail("a `/* */` comment; the backend writes only `//` comments")
        punctuation = self._punctuation()
        if punctuation:
            return punctuation
        if ch == ",":
            self.i += 1
            return Token(COMMA, ch, ch, start)
        if ch == '"':
            return self._string()
        if self.text.startswith('%"', start):
            self.i += 1
            quoted = self._string()
            return Token(QUOTED_FIELD, "%" + quoted.text, quoted.value, start)
        for operator in COMPARISON_OPERATORS:
            if self.text.startswith(operator, start):
                self.i += len(operator)
                return Token(OPERATOR, operator, operator, start)
        if ch in "!-":
            self.i += 1
            return Token(BANG if ch == "!" else MINUS, ch, ch, start)
        if ch in ARITHMETIC_OPERATORS:
            self.i += 1
            return Token(ARITHMETIC, ch, ch, start)

        number = _NUMBER.match(self.text, start)
        if number:
            self.i = number.end()
            return Token(NUMBER, number.group(0), number.group(0), start)
        name = _NAME.match(self.text, start)
        if name:
            if ".." in name.group(0):
                raise self.fail("a bare field name cannot hold two dots in a row; use %\"...\"")
            self.i = name.end()
            return Token(NAME, name.group(0), name.group(0), start)

        raise self.fail(f"unexpected character {ch!r}")

    def _string(self) -> Token:
        """A double-quoted string starting at the current position."""
        start = self.i
        value: list[str] = []
        self.i += 1
        while self.i < len(self.text):
            ch = self.text[self.i]
            if ch == "\\" and self.i + 1 < len(self.text):
                value.append(self.text[self.i + 1])
                self.i += 2
                continue
            if ch == '"':
                self.i += 1
                return Token(STRING, self.text[start : self.i], "".join(value), start)
            if ch == "\n":
                break
            value.append(ch)
            self.i += 1
        raise self.fail("unterminated string: no closing double quote on its line", start)

    def _regex(self) -> Token:
        """A `/.../` literal: an unescaped slash ends it, `\\/` is a slash inside it."""
        start = self.i
        self.i += 1
        while self.i < len(self.text):
            ch = self.text[self.i]
            if ch == "\n":
                break
            if ch == "\\":
                self.i += 2
                continue
            if ch == "/":
                body = self.text[start + 1 : self.i]
                self.i += 1
                if self.i < len(self.text) and (self.text[self.i].isalnum()):
                    raise self.fail(
                        "text right after the closing slash of a regex literal: an unescaped "
                        "`/` ends the literal, and flags are written (?i) inside it"
                    )
                return Token(REGEX, self.text[start : self.i], body, start)
            self.i += 1
        raise self.fail("unterminated regex literal: no closing slash on its line", start)
