"""Arithmetic on values: `+ - * / %` with the precedence the Sumo docs give.

`*` and `/` bind tighter than `+` and `-`, and operators of one level read left to right. The
docs do not place `%`, so `%` is refused next to any other operator unless parentheses make
the order plain.
"""
from collections.abc import Callable

from . import lexer
from .lexer import Token
from .nodes import Arithmetic, Expr
from .token_stream import TokenStream
from .value_kinds import why_not_a_number

Operand = Callable[[TokenStream], Expr]


def parse_arithmetic(tokens: TokenStream, operand: Operand) -> Expr:
    """Read sums of products of the values `operand` reads; one value alone is returned as is."""
    operators: list[Token] = []
    node = _sum(tokens, operand, operators)

    modulo = [token for token in operators if token.text == "%"]
    if modulo and len(operators) > 1:
        raise tokens.fail(
            "`%` next to other arithmetic without parentheses; the Sumo docs do not say how "
            "tightly `%` binds",
            modulo[0],
        )
    return node


def _sum(tokens: TokenStream, operand: Operand, operators: list[Token]) -> Expr:
    node = _product(tokens, operand, operators)
    while tokens.peek().kind == lexer.MINUS or _at(tokens, "+"):
        operator = tokens.advance()
        operators.append(operator)
        node = _node(tokens, operator, node, _product(tokens, operand, operators))
    return node


def _product(tokens: TokenStream, operand: Operand, operators: list[Token]) -> Expr:
    node = operand(tokens)
    while _at(tokens, "*/%"):
        operator = tokens.advance()
        operators.append(operator)
        node = _node(tokens, operator, node, operand(tokens))
    return node


def _at(tokens: TokenStream, operators: str) -> bool:
    token = tokens.peek()
    return token.kind == lexer.ARITHMETIC and token.text in operators


def _node(tokens: TokenStream, operator: Token, left: Expr, right: Expr) -> Arithmetic:
    """`left <operator> right`, once both are values arithmetic can take."""
    for side in (left, right):
        problem = why_not_a_number(side)
        if problem:
            raise tokens.fail(f"an operand of `{operator.text}` is {problem}", operator)
    return Arithmetic(operator.text, left, right)
