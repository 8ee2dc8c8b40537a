"""Stages that extract fields from text: `json`."""
import re

from . import lexer
from .nodes import JsonStage
from .token_stream import TokenStream

_JSON_PATH_SEGMENT = re.compile(
    r"""(?:[^.\[\]'"\s]+|\[(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\d+|\*)\])+"""
)


def parse_json(tokens: TokenStream) -> JsonStage:
    """`json [field=<source>] "path", ... [as name, ...] [nodrop]`, from the word `json` on."""
    tokens.advance()
    source = None
    if tokens.at_word("field") and tokens.peek(1).kind == lexer.OPERATOR:
        tokens.advance()
        if tokens.advance().text != "=":
            raise tokens.fail("`json field` takes `=`", tokens.peek(-1))
        source = tokens.field_name("the field `json` reads")

    paths = [_json_path(tokens)]
    while tokens.peek().kind == lexer.COMMA:
        tokens.advance()
        paths.append(_json_path(tokens))

    names: list[str] = []
    if tokens.at_word("as"):
        as_token = tokens.advance()
        names = tokens.name_list("a name for an extracted key")
        if len(names) != len(paths):
            raise tokens.fail(
                f"`json` extracts {len(paths)} keys but names {len(names)}", as_token
            )
        repeated = sorted({n for n in names if [m.lower() for m in names].count(n.lower()) > 1})
        if repeated:
            raise tokens.fail(f"`json` extracts two keys into the field {repeated[0]}", as_token)

    nodrop = tokens.at_word("nodrop")
    if nodrop:
        tokens.advance()
    return JsonStage(source, tuple(paths), tuple(names), nodrop)


def _json_path(tokens: TokenStream) -> str:
    token = tokens.expect(lexer.STRING, "a quoted JSON key path")
    if _split_json_path(token.value) is None:
        raise tokens.fail(
            f"malformed JSON key path {token.text}; keys with dots, spaces or quotes "
            "are written ['key']",
            token,
        )
    return token.value


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
