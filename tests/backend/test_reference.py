"""The reference evaluator itself: it must catch queries whose meaning Sumo leaves open."""
import pytest

from .re2_subset import NotEmittedRE2
from .sumo_reference import ReadingsDisagree, query_matches

JSON_F = '*\n| json field=_raw "F" as F nodrop\n'


def test_negation_without_null_guard_is_caught_on_a_missing_field():
    with pytest.raises(ReadingsDisagree):
        query_matches(JSON_F + '| where !(toLowerCase(F) = "x")', {"G": "x"})


def test_unanchored_regex_is_caught_when_the_two_readings_differ():
    with pytest.raises(ReadingsDisagree):
        query_matches(JSON_F + "| where F matches /abc/", {"F": "xabcx"})


def test_regex_relying_on_unicode_case_folding_is_caught():
    with pytest.raises(ReadingsDisagree):
        query_matches(JSON_F + r"| where F matches /(?i)^\x{e4}$/", {"F": "Ä"})


def test_escaped_punctuation_is_not_part_of_the_emitted_subset():
    with pytest.raises(NotEmittedRE2):
        query_matches(JSON_F + r"| where F matches /^a\,b$/", {"F": "a,b"})


def test_escaped_metacharacter_is_a_literal_character():
    assert query_matches(JSON_F + r"| where F matches /^a\.b$/", {"F": "a.b"})
    assert not query_matches(JSON_F + r"| where F matches /^a\.b$/", {"F": "axb"})


def test_and_mixed_with_or_without_parentheses_is_refused():
    query = JSON_F + '| where F = "a" or F = "b" and F = "c"'

    with pytest.raises(ValueError, match="mixed without parentheses"):
        query_matches(query, {"F": "a"})


def test_json_numbers_are_extracted_as_their_text():
    assert query_matches(JSON_F + '| where !isNull(F) and F = "443"', {"F": 443})
    assert not query_matches(JSON_F + '| where !isNull(F) and F = "443"', {"F": 443.5})


def test_nested_path_and_bracketed_key_are_looked_up():
    query = '*\n| json field=_raw "A.B", "[\'c.d\']" as x, y nodrop\n| where x = "1" and y = "2"'

    assert query_matches(query, {"A": {"B": "1"}, "c.d": "2"})
    assert not query_matches(query, {"A.B": "1", "c.d": "2"})
