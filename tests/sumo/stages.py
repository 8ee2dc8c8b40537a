"""One pipe stage after the scope: its operator word decides how the rest of it reads."""
import re

from . import lexer
from .expressions import parse_arguments, parse_condition, parse_expression
from .extractions import parse_json, parse_regex
from .functions import AGGREGATES, arity
from .nodes import (
    Aggregate,
    AggregateStage,
    AssignStage,
    Expr,
    Field,
    FieldsStage,
    Number,
    SortKey,
    SortStage,
    Stage,
    TimesliceStage,
    WhereStage,
)
from .token_stream import TokenStream, describe

_TIME_SPAN = re.compile(r"\d+(ms|s|m|h|d|w)")


def parse_stage(tokens: TokenStream) -> Stage:
    """Read one stage, from after its pipe up to the next pipe or the end of the query."""
    head = tokens.peek()
    if tokens.at_stage_end():
        raise tokens.fail("empty stage between two pipes")

    word = head.text.lower() if head.kind == lexer.NAME else ""
    if word == "json":
        stage: Stage = parse_json(tokens)
    elif word == "parse":
        stage = parse_regex(tokens)
    elif word == "where":
        tokens.advance()
        stage = WhereStage(parse_condition(tokens, "`where`"))
    elif word == "timeslice":
        stage = _timeslice(tokens)
    elif word in AGGREGATES:
        stage = _aggregates(tokens)
    elif word == "sort":
        stage = _sort(tokens)
    elif word == "fields":
        stage = _fields(tokens)
    else:
        stage = _assignment(tokens)

    if tokens.at_word("where"):
        raise tokens.fail("a second `where` in one stage; each `where` needs its own pipe")
    if not tokens.at_stage_end():
        raise tokens.fail(f"unexpected {describe(tokens.peek())} at the end of the stage")
    return stage


def _timeslice(tokens: TokenStream) -> TimesliceStage:
    tokens.advance()
    span = tokens.expect(lexer.NUMBER, "a time span such as 5m")
    if tokens.at_word("buckets"):
        tokens.advance()
    elif not _TIME_SPAN.fullmatch(span.text):
        raise tokens.fail(f"`{span.text}` is not a time span (use ms, s, m, h, d or w)", span)

    name = None
    if tokens.at_word("as"):
        tokens.advance()
        name = tokens.field_name("a name for the time slice")
    return TimesliceStage(span.text, name)


def _aggregates(tokens: TokenStream) -> AggregateStage:
    aggregates = [_aggregate(tokens)]
    while tokens.peek().kind == lexer.COMMA:
        tokens.advance()
        aggregates.append(_aggregate(tokens))

    group_by: list[str] = []
    if tokens.at_word("by"):
        tokens.advance()
        group_by = tokens.name_list("a field to group by")
    return AggregateStage(tuple(aggregates), tuple(group_by))


def _aggregate(tokens: TokenStream) -> Aggregate:
    token = tokens.expect(lexer.NAME, "an aggregate function")
    function = token.text.lower()
    if function not in AGGREGATES:
        raise tokens.fail(f"`{token.text}` is not a known aggregate function", token)

    arguments: tuple[Expr, ...] = ()
    if tokens.peek().kind == lexer.LPAREN:
        arguments = parse_arguments(tokens)
    low, high = AGGREGATES[function]
    if len(arguments) < low or (high is not None and len(arguments) > high):
        raise tokens.fail(f"`{function}` takes {arity(low, high)}", token)
    if arguments and not isinstance(arguments[0], Field):
        raise tokens.fail(f"`{function}` aggregates a field, not an expression", token)
    if function == "pct" and not all(isinstance(a, Number) for a in arguments[1:]):
        raise tokens.fail("`pct` takes a field, then percentiles as plain numbers", token)

    name = None
    if tokens.at_word("as"):
        tokens.advance()
        name = tokens.field_name("a name for the aggregate")
    return Aggregate(function, arguments, name)


def _sort(tokens: TokenStream) -> SortStage:
    tokens.advance()
    if tokens.at_word("by"):
        tokens.advance()
    keys = [_sort_key(tokens)]
    while tokens.peek().kind == lexer.COMMA:
        tokens.advance()
        keys.append(_sort_key(tokens))
    return SortStage(tuple(keys))


def _sort_key(tokens: TokenStream) -> SortKey:
    field = tokens.field_name("a field to sort by")
    descending = True
    if tokens.at_word("asc", "desc"):
        descending = tokens.advance().text.lower() == "desc"
    return SortKey(field, descending)


def _fields(tokens: TokenStream) -> FieldsStage:
    tokens.advance()
    remove = tokens.peek().kind == lexer.MINUS
    if remove:
        tokens.advance()
    return FieldsStage(tuple(tokens.name_list("a field name")), remove)


def _assignment(tokens: TokenStream) -> AssignStage:
    head = tokens.peek()
    expression_goes_on = (lexer.LPAREN, lexer.ARITHMETIC, lexer.MINUS)
    if head.kind == lexer.NAME and tokens.peek(1).kind not in expression_goes_on:
        if not tokens.at_word("as", ahead=1):
            raise tokens.fail(f"`{head.text}` is not a stage operator this checker knows")
    expression = parse_expression(tokens)
    tokens.expect_word("as")
    return AssignStage(expression, tokens.field_name("the name of the assigned field"))
