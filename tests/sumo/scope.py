"""The scope before the first pipe: a keyword expression where NOT binds tighter than AND, and
AND than OR; AND may be left out between two terms."""
from . import lexer
from .nodes import ScopeAnd, ScopeExpr, ScopeNot, ScopeOr, ScopeTerm
from .token_stream import TokenStream, describe


def parse_scope(tokens: TokenStream) -> ScopeExpr:
    """Read the whole scope, up to the first pipe or the end of the query."""
    if tokens.at_stage_end():
        raise tokens.fail("the scope before the first pipe is empty")
    expression = _or(tokens)
    if not tokens.at_stage_end():
        raise tokens.fail(f"unexpected {describe(tokens.peek())} in the scope")
    return expression


def _or(tokens: TokenStream) -> ScopeExpr:
    operands = [_and(tokens)]
    while tokens.at_word("or"):
        tokens.advance()
        operands.append(_and(tokens))
    return operands[0] if len(operands) == 1 else ScopeOr(tuple(operands))


def _and(tokens: TokenStream) -> ScopeExpr:
    operands = [_not(tokens)]
    while True:
        if tokens.at_word("and"):
            tokens.advance()
        elif not _term_starts(tokens):
            break
        operands.append(_not(tokens))
    return operands[0] if len(operands) == 1 else ScopeAnd(tuple(operands))


def _term_starts(tokens: TokenStream) -> bool:
    token = tokens.peek()
    if token.kind in (lexer.STRING, lexer.LPAREN):
        return True
    return token.kind == lexer.WORD and not tokens.at_word("or", "and")


def _not(tokens: TokenStream) -> ScopeExpr:
    if tokens.at_word("not"):
        tokens.advance()
        return ScopeNot(_not(tokens))
    return _atom(tokens)


def _atom(tokens: TokenStream) -> ScopeExpr:
    token = tokens.peek()

    if token.kind == lexer.LPAREN:
        tokens.advance()
        inner = _or(tokens)
        tokens.expect(lexer.RPAREN, "`)` closing the `(` of the scope")
        return inner
    if token.kind == lexer.STRING:
        tokens.advance()
        return ScopeTerm(token.value, quoted=True)
    if token.kind == lexer.OPERATOR:
        raise tokens.fail(f"`{token.text}` needs a field name before it")
    if token.kind != lexer.WORD or tokens.at_word("and", "or", "not"):
        raise tokens.fail(f"expected a keyword, found {describe(token)}")

    tokens.advance()
    if tokens.peek().kind != lexer.OPERATOR:
        return ScopeTerm(token.value, quoted=False)
    operator = tokens.advance()
    value = tokens.peek()
    if value.kind not in (lexer.WORD, lexer.STRING) or tokens.at_word("and", "or", "not"):
        raise tokens.fail(f"`{token.text}{operator.text}` needs a value after it")
    tokens.advance()
    return ScopeTerm(
        value.value,
        quoted=value.kind == lexer.STRING,
        field=token.value,
        negated_equals=operator.text == "!=",
    )
