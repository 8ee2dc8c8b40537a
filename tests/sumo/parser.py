"""The entry points of the checker: parse a whole query, or parse it and check its fields.

The grammar accepts a scope (keyword expression) and the stages `json`,
`parse regex [field=...] "..." [multi]`, `where`, `<expr> as <name>`, `timeslice`, the
aggregates `count`, `count_distinct`, `min`, `max`, `sum`, `avg`, `pct` (with `as` and `by`),
`sort by` and `fields`; expressions hold comparisons, `matches`, `in`, arithmetic and the
functions of `functions.py`. Anything else, including Sumo syntax that the backend has no
reason to write, is rejected: the parser is a well-formedness check of generated text, not a
full Sumo grammar.
"""
from . import lexer
from .errors import SumoSyntaxError
from .field_scope import UndefinedFieldError, check_field_references
from .nodes import Query, Stage
from .scope import parse_scope
from .stages import parse_stage
from .token_stream import TokenStream

# Sumo's documented limit on the length of one query.
MAX_QUERY_LENGTH = 15000


def parse_query(text: str) -> Query:
    """Parse a whole query, raising SumoSyntaxError at the first thing that is not accepted."""
    if len(text) > MAX_QUERY_LENGTH:
        raise SumoSyntaxError(
            f"query is {len(text)} characters long, over Sumo's limit of {MAX_QUERY_LENGTH}",
            text,
            0,
        )

    tokens = TokenStream(text, lexer.tokenize(text))
    scope = parse_scope(tokens)
    stages: list[Stage] = []
    while tokens.peek().kind == lexer.PIPE:
        tokens.advance()
        stages.append(parse_stage(tokens))
    return Query(scope, tuple(stages))


def check_query(text: str) -> None:
    """Raise SumoSyntaxError unless the text is well-formed and reads only defined fields."""
    query = parse_query(text)
    try:
        check_field_references(query)
    except UndefinedFieldError as error:
        raise SumoSyntaxError(str(error), text, _field_offset(text, error)) from None


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
