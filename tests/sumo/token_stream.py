"""The token list of one query as the parsers read it: one token at a time, left to right."""
from . import lexer
from .errors import SumoSyntaxError
from .lexer import Token

# Words that carry grammar inside a stage and so cannot stand for a field.
KEYWORDS = frozenset({"and", "or", "not", "in", "matches", "as", "by", "where", "nodrop"})


class TokenStream:
    """The tokens of `text`; `pos` is the next one to read."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0

    def peek(self, ahead: int = 0) -> Token:
        """The token `ahead` places after the next one, or the END token."""
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        """Read the next token."""
        token = self.peek()
        self.pos += 1
        return token

    def fail(self, message: str, token: Token | None = None) -> SumoSyntaxError:
        """An error at the token (by default the next one), to be raised by the caller."""
        offset = (token or self.peek()).offset
        return SumoSyntaxError(message, self.text, offset)

    def at_word(self, *words: str, ahead: int = 0) -> bool:
        """Whether the token is one of the words, in any case."""
        token = self.peek(ahead)
        return token.kind in (lexer.NAME, lexer.WORD) and token.text.lower() in words

    def expect(self, kind: str, what: str) -> Token:
        """Read a token of the kind, or fail saying `what` was expected."""
        token = self.peek()
        if token.kind != kind:
            raise self.fail(f"expected {what}, found {describe(token)}")
        return self.advance()

    def expect_word(self, word: str) -> Token:
        """Read the word, or fail."""
        if not self.at_word(word):
            raise self.fail(f"expected `{word}`, found {describe(self.peek())}")
        return self.advance()

    def at_stage_end(self) -> bool:
        """Whether the next token ends the stage: a pipe or the end of the query."""
        return self.peek().kind in (lexer.PIPE, lexer.END)

    def field_name(self, what: str) -> str:
        """Read a field name, bare or `%"quoted"`."""
        token = self.peek()
        if token.kind == lexer.QUOTED_FIELD:
            self.advance()
            return token.value
        if token.kind != lexer.NAME or token.text.lower() in KEYWORDS:
            raise self.fail(f"expected {what}, found {describe(token)}")
        self.advance()
        return token.text

    def name_list(self, what: str) -> list[str]:
        """Read field names separated by commas."""
        names = [self.field_name(what)]
        while self.peek().kind == lexer.COMMA:
            self.advance()
            names.append(self.field_name(what))
        return names


def describe(token: Token) -> str:
    """A token as error messages name it."""
    if token.kind == lexer.END:
        return "the end of the query"
    if token.kind == lexer.PIPE:
        return "`|`"
    return f"`{token.text}`"
