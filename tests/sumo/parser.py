"""A recursive-descent parser for the Sumo Logic query syntax this project's backend emits.

It accepts a scope (keyword expression) and the stages `json`, `where`, `<expr> as <name>`,
`timeslice`, the aggregates `count`, `count_distinct`, `min`, `max`, `sum`, `avg`, `pct`
(with `as` and `by`), `sort by` and `fields`. Anything else, including Sumo syntax that the
backend has no reason to write, is rejected: the parser is a well-formedness check of
generated text, not a full Sumo grammar.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import lexer
from .errors import SumoSyntaxError
from .field_scope import UndefinedFieldError, check_field_references
from .lexer import Token
from .nodes import (
    Aggregate,
    AggregateStage,
    And,
    AssignStage,
    Call,
    Compare,
    Expr,
    Field,
    FieldsStage,
    In,
    JsonStage,
    Matches,
    Not,
    Number,
    Or,
    Query,
    Regex,
    ScopeAnd,
    ScopeExpr,
    ScopeNot,
    ScopeOr,
    ScopeTerm,
    SortKey,
    SortStage,
    Stage,
    String,
    TimesliceStage,
    WhereStage,
)
from .re2 import NotRE2Error, check_re2

# Sumo's documented limit on the length of one query.
MAX_QUERY_LENGTH = 15000


@dataclass(frozen=True)
class Function:
    """A function allowed in expressions: its arity and whether it yields a boolean."""

    min_args: int
    max_args: int | None
    boolean: bool


FUNCTIONS: dict[str, Function] = {
    "isNull": Function(1, 1, True),
    "isEmpty": Function(1, 1, True),
    "isBlank": Function(1, 1, True),
    "isPrivateIP": Function(1, 1, True),
    "isPublicIP": Function(1, 1, True),
    "isValidIP": Function(1, 1, True),
    "compareCIDRPrefix": Function(3, 3, True),
    "contains": Function(2, 2, True),
    "getCIDRPrefix": Function(2, 2, False),
    "maskFromCIDR": Function(1, 1, False),
    "toLowerCase": Function(1, 1, False),
    "toUpperCase": Function(1, 1, False),
    "num": Function(1, 1, False),
    "toLong": Function(1, 1, False),
    "round": Function(1, 2, False),
    "formatDate": Function(1, 3, False),
    "if": Function(3, 3, False),
}

AGGREGATES: dict[str, tuple[int, int | None]] = {
    "count": (0, 1),
    "count_distinct": (1, 1),
    "min": (1, 1),
    "max": (1, 1),
    "sum": (1, 1),
    "avg": (1, 1),
    "pct": (2, None),
}

# Words that carry grammar inside a stage and so cannot stand for a field.
KEYWORDS = frozenset({"and", "or", "not", "in", "matches", "as", "by", "where", "nodrop"})

_TIME_SPAN = re.compile(r"\d+(ms|s|m|h|d|w)")

_JSON_PATH_SEGMENT = re.compile(
    r"""(?:[^.\[\]'"\s]+|\[(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\d+|\*)\])+"""
)


def parse_query(text: str) -> Query:
    """Parse a whole query, raising SumoSyntaxError at the first thing that is not accepted."""
    if len(text) > MAX_QUERY_LENGTH:
        raise SumoSyntaxError(
            f"query is {len(text)} characters long, over Sumo's limit of {MAX_QUERY_LENGTH}",
            text,
            0,
        )
    return _Parser(text, lexer.tokenize(text)).query()


def check_query(text: str) -> None:
    """Raise SumoSyntaxError unless the text is well-formed and reads only defined fields."""
    query = parse_query(text)
    try:
        check_field_references(query)
    except UndefinedFieldError as error:
        raise SumoSyntaxError(str(error), text, _field_offset(text, error)) from None


def is_boolean(node: Expr) -> bool:
    """Whether the node yields true or false, so it can be a condition."""
    if isinstance(node, (Compare, Matches, In, Not, And, Or)):
        return True
    return isinstance(node, Call) and FUNCTIONS[node.function].boolean


class _Parser:
    """Reads the token list from left to right; `pos` is the next token."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0

    # Reading tokens

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.pos += 1
        return token

    def fail(self, message: str, token: Token | None = None) -> SumoSyntaxError:
        offset = (token or self.peek()).offset
        return SumoSyntaxError(message, self.text, offset)

    def at_word(self, *words: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind in (lexer.NAME, lexer.WORD) and token.text.lower() in words

    def expect(self, kind: str, what: str) -> Token:
        token = self.peek()
        if token.kind != kind:
            raise self.fail(f"expected {what}, found {_describe(token)}")
        return self.advance()

    def expect_word(self, word: str) -> Token:
        if not self.at_word(word):
            raise self.fail(f"expected `{word}`, found {_describe(self.peek())}")
        return self.advance()

    def at_stage_end(self) -> bool:
        return self.peek().kind in (lexer.PIPE, lexer.END)

    # The query

    def query(self) -> Query:
        scope = self.scope()
        stages: list[Stage] = []
        while self.peek().kind == lexer.PIPE:
            self.advance()
            stages.append(self.stage())
        return Query(scope, tuple(stages))

    # Scope: a keyword expression where NOT binds tighter than AND, and AND than OR.

    def scope(self) -> ScopeExpr:
        if self.at_stage_end():
            raise self.fail("the scope before the first pipe is empty")
        expression = self.scope_or()
        if not self.at_stage_end():
            raise self.fail(f"unexpected {_describe(self.peek())} in the scope")
        return expression

    def scope_or(self) -> ScopeExpr:
        operands = [self.scope_and()]
        while self.at_word("or"):
            self.advance()
            operands.append(self.scope_and())
        return operands[0] if len(operands) == 1 else ScopeOr(tuple(operands))

    def scope_and(self) -> ScopeExpr:
        operands = [self.scope_not()]
        while True:
            if self.at_word("and"):
                self.advance()
            elif not self.scope_term_starts():
                break
            operands.append(self.scope_not())
        return operands[0] if len(operands) == 1 else ScopeAnd(tuple(operands))

    def scope_term_starts(self) -> bool:
        token = self.peek()
        if token.kind in (lexer.STRING, lexer.LPAREN):
            return True
        return token.kind == lexer.WORD and not self.at_word("or", "and")

    def scope_not(self) -> ScopeExpr:
        if self.at_word("not"):
            self.advance()
            return ScopeNot(self.scope_not())
        return self.scope_atom()

    def scope_atom(self) -> ScopeExpr:
        token = self.peek()

        if token.kind == lexer.LPAREN:
            self.advance()
            inner = self.scope_or()
            self.expect(lexer.RPAREN, "`)` closing the `(` of the scope")
            return inner
        if token.kind == lexer.STRING:
            self.advance()
            return ScopeTerm(token.value, quoted=True)
        if token.kind == lexer.OPERATOR:
            raise self.fail(f"`{token.text}` needs a field name before it")
        if token.kind != lexer.WORD or self.at_word("and", "or", "not"):
            raise self.fail(f"expected a keyword, found {_describe(token)}")

        self.advance()
        if self.peek().kind != lexer.OPERATOR:
            return ScopeTerm(token.value, quoted=False)
        operator = self.advance()
        value = self.peek()
        if value.kind not in (lexer.WORD, lexer.STRING) or self.at_word("and", "or", "not"):
            raise self.fail(f"`{token.text}{operator.text}` needs a value after it")
        self.advance()
        return ScopeTerm(
            value.value,
            quoted=value.kind == lexer.STRING,
            field=token.value,
            negated_equals=operator.text == "!=",
        )

    # Stages

    def stage(self) -> Stage:
        head = self.peek()
        if self.at_stage_end():
            raise self.fail("empty stage between two pipes")

        word = head.text.lower() if head.kind == lexer.NAME else ""
        if word == "json":
            stage: Stage = self.json_stage()
        elif word == "where":
            self.advance()
            stage = WhereStage(self.condition("`where`"))
        elif word == "timeslice":
            stage = self.timeslice_stage()
        elif word in AGGREGATES:
            stage = self.aggregate_stage()
        elif word == "sort":
            stage = self.sort_stage()
        elif word == "fields":
            stage = self.fields_stage()
        else:
            stage = self.assign_stage()

        if self.at_word("where"):
            raise self.fail("a second `where` in one stage; each `where` needs its own pipe")
        if not self.at_stage_end():
            raise self.fail(f"unexpected {_describe(self.peek())} at the end of the stage")
        return stage

    def json_stage(self) -> JsonStage:
        self.advance()
        source = None
        if self.at_word("field") and self.peek(1).kind == lexer.OPERATOR:
            self.advance()
            if self.advance().text != "=":
                raise self.fail("`json field` takes `=`", self.peek(-1))
            source = self.field_name("the field `json` reads")

        paths = [self.json_path()]
        while self.peek().kind == lexer.COMMA:
            self.advance()
            paths.append(self.json_path())

        names: list[str] = []
        if self.at_word("as"):
            as_token = self.advance()
            names = self.name_list("a name for an extracted key")
            if len(names) != len(paths):
                raise self.fail(
                    f"`json` extracts {len(paths)} keys but names {len(names)}", as_token
                )
            repeated = sorted({n for n in names if [m.lower() for m in names].count(n.lower()) > 1})
            if repeated:
                raise self.fail(f"`json` extracts two keys into the field {repeated[0]}", as_token)

        nodrop = self.at_word("nodrop")
        if nodrop:
            self.advance()
        return JsonStage(source, tuple(paths), tuple(names), nodrop)

    def json_path(self) -> str:
        token = self.expect(lexer.STRING, "a quoted JSON key path")
        segments = _split_json_path(token.value)
        if segments is None:
            raise self.fail(
                f"malformed JSON key path {token.text}; keys with dots, spaces or quotes "
                "are written ['key']",
                token,
            )
        return token.value

    def timeslice_stage(self) -> TimesliceStage:
        self.advance()
        span = self.expect(lexer.NUMBER, "a time span such as 5m")
        if self.at_word("buckets"):
            self.advance()
        elif not _TIME_SPAN.fullmatch(span.text):
            raise self.fail(f"`{span.text}` is not a time span (use ms, s, m, h, d or w)", span)

        name = None
        if self.at_word("as"):
            self.advance()
            name = self.field_name("a name for the time slice")
        return TimesliceStage(span.text, name)

    def aggregate_stage(self) -> AggregateStage:
        aggregates = [self.aggregate()]
        while self.peek().kind == lexer.COMMA:
            self.advance()
            aggregates.append(self.aggregate())

        group_by: list[str] = []
        if self.at_word("by"):
            self.advance()
            group_by = self.name_list("a field to group by")
        return AggregateStage(tuple(aggregates), tuple(group_by))

    def aggregate(self) -> Aggregate:
        token = self.expect(lexer.NAME, "an aggregate function")
        function = token.text.lower()
        if function not in AGGREGATES:
            raise self.fail(f"`{token.text}` is not a known aggregate function", token)

        arguments: tuple[Expr, ...] = ()
        if self.peek().kind == lexer.LPAREN:
            arguments = self.arguments()
        low, high = AGGREGATES[function]
        if len(arguments) < low or (high is not None and len(arguments) > high):
            raise self.fail(f"`{function}` takes {_arity(low, high)}", token)

        name = None
        if self.at_word("as"):
            self.advance()
            name = self.field_name("a name for the aggregate")
        return Aggregate(function, arguments, name)

    def sort_stage(self) -> SortStage:
        self.advance()
        if self.at_word("by"):
            self.advance()
        keys = [self.sort_key()]
        while self.peek().kind == lexer.COMMA:
            self.advance()
            keys.append(self.sort_key())
        return SortStage(tuple(keys))

    def sort_key(self) -> SortKey:
        field = self.field_name("a field to sort by")
        descending = True
        if self.at_word("asc", "desc"):
            descending = self.advance().text.lower() == "desc"
        return SortKey(field, descending)

    def fields_stage(self) -> FieldsStage:
        self.advance()
        remove = self.peek().kind == lexer.MINUS
        if remove:
            self.advance()
        return FieldsStage(tuple(self.name_list("a field name")), remove)

    def assign_stage(self) -> AssignStage:
        head = self.peek()
        if head.kind == lexer.NAME and self.peek(1).kind != lexer.LPAREN:
            if not self.at_word("as", ahead=1):
                raise self.fail(f"`{head.text}` is not a stage operator this checker knows")
        expression = self.junction()
        self.expect_word("as")
        return AssignStage(expression, self.field_name("the name of the assigned field"))

    def name_list(self, what: str) -> list[str]:
        names = [self.field_name(what)]
        while self.peek().kind == lexer.COMMA:
            self.advance()
            names.append(self.field_name(what))
        return names

    def field_name(self, what: str) -> str:
        token = self.peek()
        if token.kind == lexer.QUOTED_FIELD:
            self.advance()
            return token.value
        if token.kind != lexer.NAME or token.text.lower() in KEYWORDS:
            raise self.fail(f"expected {what}, found {_describe(token)}")
        self.advance()
        return token.text

    # Expressions: a junction of negations of comparisons; parentheses group anything else.

    def condition(self, where: str) -> Expr:
        token = self.peek()
        if self.at_stage_end():
            raise self.fail(f"{where} has no condition")
        expression = self.junction()
        if not is_boolean(expression):
            raise self.fail(f"the condition of {where} is not a boolean expression", token)
        return expression

    def junction(self) -> Expr:
        """Operands joined by one kind of operator: all `and` or all `or`."""
        operands = [self.negation()]
        operator: Token | None = None
        while self.at_word("and", "or"):
            token = self.advance()
            if operator is not None and token.text.lower() != operator.text.lower():
                raise self.fail(
                    "`and` and `or` mixed without parentheses; Sumo does not document which "
                    "binds tighter in `where`",
                    token,
                )
            operator = token
            operands.append(self.boolean_operand(token, self.negation))
        if operator is None:
            return operands[0]

        self.require_boolean(operands[0], f"`{operator.text}`")
        node = And if operator.text.lower() == "and" else Or
        return node(tuple(operands))

    def boolean_operand(self, operator: Token, parse: Callable[[], Expr]) -> Expr:
        if self.at_stage_end() or self.peek().kind in (lexer.RPAREN, lexer.COMMA):
            raise self.fail(f"`{operator.text}` has nothing on its right")
        operand = parse()
        self.require_boolean(operand, f"`{operator.text}`")
        return operand

    def require_boolean(self, node: Expr, operator: str) -> None:
        if not is_boolean(node):
            raise self.fail(f"an operand of {operator} is not a boolean expression")

    def negation(self) -> Expr:
        token = self.peek()
        if token.kind != lexer.BANG and not self.at_word("not"):
            return self.comparison()

        self.advance()
        nxt = self.peek()
        negatable = (
            nxt.kind in (lexer.LPAREN, lexer.BANG)
            or self.at_word("not")
            or (nxt.kind == lexer.NAME and self.peek(1).kind == lexer.LPAREN)
        )
        if not negatable:
            raise self.fail(
                f"`{token.text}` must be followed by a parenthesised condition or a function "
                "call; its precedence over a bare comparison is not documented",
                token,
            )
        nested = nxt.kind == lexer.BANG or self.at_word("not")
        operand = self.negation() if nested else self.operand()
        self.require_boolean(operand, f"`{token.text}`")
        return Not(operand)

    def comparison(self) -> Expr:
        left = self.operand()
        token = self.peek()

        if token.kind == lexer.OPERATOR:
            self.advance()
            right = self.operand()
            if self.peek().kind == lexer.OPERATOR:
                raise self.fail("comparisons cannot be chained; parenthesise each one")
            return Compare(token.text, left, right)

        if self.at_word("matches"):
            self.advance()
            pattern = self.peek()
            if pattern.kind == lexer.STRING:
                self.advance()
                return Matches(left, String(pattern.value))
            if pattern.kind == lexer.REGEX:
                self.advance()
                try:
                    check_re2(pattern.value)
                except NotRE2Error as error:
                    raise SumoSyntaxError(
                        f"regex literal is not RE2: {error.message}",
                        self.text,
                        pattern.offset + 1 + error.offset,
                    ) from None
                return Matches(left, Regex(pattern.value))
            raise self.fail(f"`matches` takes a quoted pattern or a /regex/, found "
                            f"{_describe(pattern)}")

        if self.at_word("in"):
            self.advance()
            return In(left, self.literal_list())

        return left

    def literal_list(self) -> tuple[String | Number, ...]:
        self.expect(lexer.LPAREN, "`(` opening the list after `in`")
        values = [self.literal()]
        while self.peek().kind == lexer.COMMA:
            self.advance()
            values.append(self.literal())
        self.expect(lexer.RPAREN, "`)` closing the list after `in`")
        return tuple(values)

    def literal(self) -> String | Number:
        node = self.operand()
        if not isinstance(node, (String, Number)):
            raise self.fail("the list after `in` holds only strings and numbers", self.peek(-1))
        return node

    def operand(self) -> Expr:
        token = self.peek()

        if token.kind == lexer.LPAREN:
            self.advance()
            if self.peek().kind == lexer.RPAREN:
                raise self.fail("empty parentheses")
            inner = self.junction()
            self.expect(lexer.RPAREN, "`)`")
            return inner
        if token.kind == lexer.STRING:
            self.advance()
            return String(token.value)
        if token.kind == lexer.QUOTED_FIELD:
            self.advance()
            return Field(token.value)
        if token.kind == lexer.MINUS and self.peek(1).kind == lexer.NUMBER:
            self.advance()
            return Number("-" + self.number().text)
        if token.kind == lexer.NUMBER:
            return self.number()
        if token.kind == lexer.NAME and self.peek(1).kind == lexer.LPAREN:
            return self.call()
        if token.kind == lexer.NAME and token.text.lower() not in KEYWORDS:
            self.advance()
            return Field(token.text)
        if token.kind == lexer.REGEX:
            raise self.fail("a /regex/ literal only follows `matches`")
        raise self.fail(f"expected a value, found {_describe(token)}")

    def number(self) -> Number:
        token = self.advance()
        if not re.fullmatch(r"\d+(\.\d+)?", token.text):
            raise self.fail(f"`{token.text}` is not a plain number", token)
        return Number(token.text)

    def call(self) -> Call:
        token = self.advance()
        function = FUNCTIONS.get(token.text)
        if function is None:
            raise self.fail(f"`{token.text}` is not a function this checker knows", token)
        arguments = self.arguments()
        if len(arguments) < function.min_args or (
            function.max_args is not None and len(arguments) > function.max_args
        ):
            raise self.fail(
                f"`{token.text}` takes {_arity(function.min_args, function.max_args)}, "
                f"not {len(arguments)}",
                token,
            )
        return Call(token.text, arguments)

    def arguments(self) -> tuple[Expr, ...]:
        self.expect(lexer.LPAREN, "`(`")
        if self.peek().kind == lexer.RPAREN:
            self.advance()
            return ()
        arguments = [self.junction()]
        while self.peek().kind == lexer.COMMA:
            self.advance()
            arguments.append(self.junction())
        self.expect(lexer.RPAREN, "`)` closing the argument list")
        return tuple(arguments)


def _field_offset(text: str, error: UndefinedFieldError) -> int:
    """Where the undefined field is first read in its stage."""
    pipes = 0
    for token in lexer.tokenize(text):
        if token.kind == lexer.PIPE:
            pipes += 1
        elif pipes == error.stage and token.kind in (lexer.NAME, lexer.QUOTED_FIELD):
            if token.value.lower() == error.field.lower():
                return token.offset
    return 0


def _split_json_path(path: str) -> list[str] | None:
    """The segments of a JSON key path such as `EventData.Image` or `a['b.c']`, or None."""
    segments: list[str] = []
    i = 0
    while i < len(path):
        segment = _JSON_PATH_SEGMENT.match(path, i)
        if not segment:
            return None
        segments.append(segment.group(0))
        i = segment.end()
        if i < len(path):
            if path[i] != "." or i + 1 == len(path):
                return None
            i += 1
    return segments or None


def _arity(low: int, high: int | None) -> str:
    if high is None:
        return f"at least {low} arguments"
    if low == high:
        return f"{low} argument{'s' if low != 1 else ''}"
    return f"{low} to {high} arguments"


def _describe(token: Token) -> str:
    if token.kind == lexer.END:
        return "the end of the query"
    if token.kind == lexer.PIPE:
        return "`|`"
    return f"`{token.text}`"
