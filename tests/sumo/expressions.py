"""Expressions inside a stage: a junction of negations of comparisons of arithmetic on values.

All operands of one junction are joined by the same word, `and` or `or`; parentheses group
anything else.
"""
import re
from collections.abc import Callable

from . import lexer
from .errors import SumoSyntaxError
from .arithmetic import parse_arithmetic
from .functions import FUNCTIONS, arity
from .lexer import Token
from .nodes import (
    And,
    Call,
    Compare,
    Expr,
    Field,
    In,
    Matches,
    Not,
    Number,
    Or,
    Regex,
    String,
)
from .re2 import NotRE2Error, check_re2
from .token_stream import KEYWORDS, TokenStream, describe
from .value_kinds import is_boolean


def parse_condition(tokens: TokenStream, where: str) -> Expr:
    """Read a boolean expression; `where` names what it is the condition of."""
    token = tokens.peek()
    if tokens.at_stage_end():
        raise tokens.fail(f"{where} has no condition")
    expression = parse_expression(tokens)
    if not is_boolean(expression):
        raise tokens.fail(f"the condition of {where} is not a boolean expression", token)
    return expression


def parse_expression(tokens: TokenStream) -> Expr:
    """Read operands joined by one kind of operator: all `and` or all `or`."""
    operands = [_negation(tokens)]
    operator: Token | None = None
    while tokens.at_word("and", "or"):
        token = tokens.advance()
        if operator is not None and token.text.lower() != operator.text.lower():
            raise tokens.fail(
                "`and` and `or` mixed without parentheses; Sumo does not document which "
                "binds tighter in `where`",
                token,
            )
        operator = token
        operands.append(_boolean_operand(tokens, token, _negation))
    if operator is None:
        return operands[0]

    _require_boolean(tokens, operands[0], f"`{operator.text}`")
    node = And if operator.text.lower() == "and" else Or
    return node(tuple(operands))


def parse_arguments(tokens: TokenStream) -> tuple[Expr, ...]:
    """Read a parenthesised, comma-separated argument list."""
    tokens.expect(lexer.LPAREN, "`(`")
    if tokens.peek().kind == lexer.RPAREN:
        tokens.advance()
        return ()
    arguments = [parse_expression(tokens)]
    while tokens.peek().kind == lexer.COMMA:
        tokens.advance()
        arguments.append(parse_expression(tokens))
    tokens.expect(lexer.RPAREN, "`)` closing the argument list")
    return tuple(arguments)


def _boolean_operand(
    tokens: TokenStream, operator: Token, parse: Callable[[TokenStream], Expr]
) -> Expr:
    if tokens.at_stage_end() or tokens.peek().kind in (lexer.RPAREN, lexer.COMMA):
        raise tokens.fail(f"`{operator.text}` has nothing on its right")
    operand = parse(tokens)
    _require_boolean(tokens, operand, f"`{operator.text}`")
    return operand


def _require_boolean(tokens: TokenStream, node: Expr, operator: str) -> None:
    if not is_boolean(node):
        raise tokens.fail(f"an operand of {operator} is not a boolean expression")


def _negation(tokens: TokenStream) -> Expr:
    token = tokens.peek()
    if token.kind != lexer.BANG and not tokens.at_word("not"):
        return _comparison(tokens)

    tokens.advance()
    nxt = tokens.peek()
    negatable = (
        nxt.kind in (lexer.LPAREN, lexer.BANG)
        or tokens.at_word("not")
        or (nxt.kind == lexer.NAME and tokens.peek(1).kind == lexer.LPAREN)
    )
    if not negatable:
        raise tokens.fail(
            f"`{token.text}` must be followed by a parenthesised condition or a function "
            "call; its precedence over a bare comparison is not documented",
            token,
        )
    nested = nxt.kind == lexer.BANG or tokens.at_word("not")
    operand = _negation(tokens) if nested else _operand(tokens)
    _require_boolean(tokens, operand, f"`{token.text}`")
    return Not(operand)


def _comparison(tokens: TokenStream) -> Expr:
    left = parse_arithmetic(tokens, _operand)
    token = tokens.peek()

    if token.kind == lexer.OPERATOR:
        tokens.advance()
        right = parse_arithmetic(tokens, _operand)
        if tokens.peek().kind == lexer.OPERATOR:
            raise tokens.fail("comparisons cannot be chained; parenthesise each one")
        return Compare(token.text, left, right)

    if tokens.at_word("matches"):
        tokens.advance()
        return Matches(left, _pattern(tokens))

    if tokens.at_word("in"):
        tokens.advance()
        return In(left, _literal_list(tokens))

    return left


def _pattern(tokens: TokenStream) -> String | Regex:
    """The quoted wildcard pattern or /regex/ after `matches`."""
    pattern = tokens.peek()
    if pattern.kind == lexer.STRING:
        tokens.advance()
        return String(pattern.value)
    if pattern.kind == lexer.REGEX:
        tokens.advance()
        try:
            check_re2(pattern.value)
        except NotRE2Error as error:
            raise SumoSyntaxError(
                f"regex literal is not RE2: {error.message}",
                tokens.text,
                pattern.offset + 1 + error.offset,
            ) from None
        return Regex(pattern.value)
    raise tokens.fail(f"`matches` takes a quoted pattern or a /regex/, found {describe(pattern)}")


def _literal_list(tokens: TokenStream) -> tuple[String | Number, ...]:
    tokens.expect(lexer.LPAREN, "`(` opening the list after `in`")
    values = [_literal(tokens)]
    while tokens.peek().kind == lexer.COMMA:
        tokens.advance()
        values.append(_literal(tokens))
    tokens.expect(lexer.RPAREN, "`)` closing the list after `in`")
    return tuple(values)


def _literal(tokens: TokenStream) -> String | Number:
    node = _operand(tokens)
    if not isinstance(node, (String, Number)):
        raise tokens.fail("the list after `in` holds only strings and numbers", tokens.peek(-1))
    return node


def _operand(tokens: TokenStream) -> Expr:
    token = tokens.peek()

    if token.kind == lexer.LPAREN:
        tokens.advance()
        if tokens.peek().kind == lexer.RPAREN:
            raise tokens.fail("empty parentheses")
        inner = parse_expression(tokens)
        tokens.expect(lexer.RPAREN, "`)`")
        return inner
    if token.kind == lexer.STRING:
        tokens.advance()
        return String(token.value)
    if token.kind == lexer.QUOTED_FIELD:
        tokens.advance()
        return Field(token.value)
    if token.kind == lexer.MINUS and tokens.peek(1).kind == lexer.NUMBER:
        tokens.advance()
        return Number("-" + _number(tokens).text)
    if token.kind == lexer.NUMBER:
        return _number(tokens)
    if token.kind == lexer.NAME and tokens.peek(1).kind == lexer.LPAREN:
        return _call(tokens)
    if token.kind == lexer.NAME and token.text.lower() not in KEYWORDS:
        tokens.advance()
        return Field(token.text)
    if token.kind == lexer.REGEX:
        raise tokens.fail("a /regex/ literal only follows `matches`")
    if token.kind == lexer.ARITHMETIC and token.text == "/":
        raise tokens.fail("`/` with no value before it; a /regex/ literal only follows `matches`")
    raise tokens.fail(f"expected a value, found {describe(token)}")


def _number(tokens: TokenStream) -> Number:
    token = tokens.advance()
    if not re.fullmatch(r"\d+(\.\d+)?", token.text):
        raise tokens.fail(f"`{token.text}` is not a plain number", token)
    return Number(token.text)


def _call(tokens: TokenStream) -> Call:
    token = tokens.advance()
    function = FUNCTIONS.get(token.text)
    if function is None:
        raise tokens.fail(f"`{token.text}` is not a function this checker knows", token)
    arguments = parse_arguments(tokens)
    if len(arguments) < function.min_args or (
        function.max_args is not None and len(arguments) > function.max_args
    ):
        raise tokens.fail(
            f"`{token.text}` takes {arity(function.min_args, function.max_args)}, "
            f"not {len(arguments)}",
            token,
        )
    if token.text == "if" and not is_boolean(arguments[0]):
        raise tokens.fail("the first argument of `if` is not a boolean expression", token)
    return Call(token.text, arguments)
