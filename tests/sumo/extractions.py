"""Stages that extract fields from text: `json` and `parse regex`."""
import re

from . import lexer
from .capture_groups import capture_groups
from .errors import SumoSyntaxError
from .lexer import Token
from .nodes import JsonStage, ParseRegexStage
from .re2 import NotRE2Error, check_re2
from .token_stream import TokenStream, describe

# Sumo's rule for the names of extracted fields: letters, digits and `_`, with a letter or
# digit at both ends.
_EXTRACTED_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_]*[A-Za-z0-9])?")

_JSON_PATH_SEGMENT = re.compile(
    r"""(?:[^.\[\]'"\s]+|\[(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\d+|\*)\])+"""
)


def parse_json(tokens: TokenStream) -> JsonStage:
    """`json [field=<source>] "path", ... [as name, ...] [nodrop]`, from the word `json` on."""
    tokens.advance()
    source = _source(tokens, "json")

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


def parse_regex(tokens: TokenStream) -> ParseRegexStage:
    """`parse regex [field=<source>] "pattern" [multi]`, from the word `parse` on.

    The pattern is the text between the quotes as written: a backslash stays in it for the
    regex to read, as in the Sumo docs' examples. It must hold at least one named group, no
    unnamed capturing group and no named group inside another, as those docs require.
    """
    tokens.advance()
    if not tokens.at_word("regex"):
        raise tokens.fail(f"expected `regex` after `parse`, found {describe(tokens.peek())}")
    tokens.advance()
    source = _source(tokens, "parse regex")

    pattern = tokens.expect(lexer.STRING, "a quoted regular expression")
    names = _group_names(tokens, pattern)

    multi = tokens.at_word("multi")
    if multi:
        tokens.advance()
    return ParseRegexStage(source, pattern.text[1:-1], names, multi)


def _source(tokens: TokenStream, stage: str) -> str | None:
    """The field after `field=`, if the stage names one."""
    if not (tokens.at_word("field") and tokens.peek(1).kind == lexer.OPERATOR):
        return None
    tokens.advance()
    if tokens.advance().text != "=":
        raise tokens.fail(f"`{stage} field` takes `=`", tokens.peek(-1))
    return tokens.field_name(f"the field `{stage}` reads")


def _group_names(tokens: TokenStream, pattern: Token) -> tuple[str, ...]:
    """The fields a `parse regex` pattern extracts: the names of its groups."""
    body = pattern.text[1:-1]

    def fail_at(message: str, offset: int) -> SumoSyntaxError:
        return SumoSyntaxError(message, tokens.text, pattern.offset + 1 + offset)

    try:
        check_re2(body)
    except NotRE2Error as error:
        raise fail_at(f"`parse regex` pattern is not RE2: {error.message}", error.offset) from None

    names: list[str] = []
    for group in capture_groups(body):
        if group.name is None:
            raise fail_at(
                "`parse regex` takes no unnamed capturing group; write (?:...) or name it",
                group.offset,
            )
        if group.inside_named:
            raise fail_at(
                "`parse regex` does not support a named group inside another", group.offset
            )
        if not _EXTRACTED_NAME.fullmatch(group.name):
            raise fail_at(
                f"the field name {group.name!r} must start and end with a letter or digit",
                group.offset,
            )
        if group.name.lower() in (n.lower() for n in names):
            raise fail_at(f"two groups extract into the field {group.name}", group.offset)
        names.append(group.name)

    if not names:
        raise fail_at("`parse regex` needs at least one named group (?<name>...)", 0)
    return tuple(names)


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
