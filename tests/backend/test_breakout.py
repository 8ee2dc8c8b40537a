"""Semantics 11: no value can end its string or regex literal, whatever characters it holds."""
import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from .conversion import convert, matches, rule_with


def sigma_literal(text: str) -> str:
    """The Sigma string that means `text` exactly: wildcards and backslashes escaped."""
    return re.sub(r"([*?\\])", r"\\\1", text)


def assert_single_line_stages(query: str) -> None:
    """Scope, json and where stages, each on one line: nothing broke out into a new stage."""
    lines = query.split("\n")
    assert len(lines) in (2, 3), query
    assert lines[-1].startswith("| where ")


def test_quote_slash_pipe_and_newline_stay_inside_their_literal():
    query = convert(rule_with({"sel": {"CommandLine|contains": 'a"b/c|d\ne'}}))

    assert query == (
        '*\n'
        '| json field=_raw "CommandLine" as CommandLine nodrop\n'
        r'| where !isNull(CommandLine) and CommandLine matches '
        r'/(?is)^.*a\x{22}b\x{2f}c\x{7c}d\x{0a}e.*$/'
    )
    assert matches(query, {"CommandLine": 'x A"B/C|D\nE x'})
    assert not matches(query, {"CommandLine": 'a"b/c|d e'})


@settings(max_examples=150)
@given(st.text(min_size=1, max_size=12))
def test_any_text_as_contains_value_matches_itself_and_only_where_present(text):
    assume(text not in "<>")
    query = convert(rule_with({"sel": {"CommandLine|contains": sigma_literal(text)}}))

    assert_single_line_stages(query)
    assert matches(query, {"CommandLine": "<" + text + ">"})
    assert not matches(query, {"CommandLine": "<>"})


@settings(max_examples=150)
@given(st.text(min_size=1, max_size=12))
def test_any_text_as_cased_value_matches_exactly_itself(text):
    query = convert(rule_with({"sel": {"CommandLine|cased": sigma_literal(text)}}))

    assert_single_line_stages(query)
    assert matches(query, {"CommandLine": text})
    assert not matches(query, {"CommandLine": text + "!"})


@settings(max_examples=150)
@given(st.text(min_size=1, max_size=12))
def test_any_text_as_keyword_is_found_in_the_raw_event(text):
    query = convert(rule_with({"sel": [sigma_literal(text)]}))

    assert_single_line_stages(query)
    assert matches(query, {"Message": "<" + text + ">"})


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=12))
def test_any_text_as_escaped_regex_matches_itself(text):
    assume(text not in "<>")
    query = convert(rule_with({"sel": {"CommandLine|re": re.escape(text)}}))

    assert_single_line_stages(query)
    assert matches(query, {"CommandLine": "<" + text + ">"})
    assert not matches(query, {"CommandLine": ""})
