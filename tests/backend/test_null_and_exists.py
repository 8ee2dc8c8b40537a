"""Semantics 5: `null`, the empty string and `|exists` are three different predicates."""
from .conversion import convert, detection_rule, matches


def test_null_matches_an_absent_or_null_field_only():
    query = convert(detection_rule(r"""
        sel:
            ParentImage: null
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "ParentImage" as ParentImage nodrop\n'
        '| where isNull(ParentImage)'
    )
    assert matches(query, {"Image": "a.exe"})
    assert matches(query, {"ParentImage": None})
    assert not matches(query, {"ParentImage": ""})
    assert not matches(query, {"ParentImage": "b.exe"})


def test_empty_string_matches_a_present_empty_field_only():
    query = convert(detection_rule(r"""
        sel:
            ParentImage: ''
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "ParentImage" as ParentImage nodrop\n'
        '| where !isNull(ParentImage) and ParentImage = ""'
    )
    assert matches(query, {"ParentImage": ""})
    assert not matches(query, {"Image": "a.exe"})
    assert not matches(query, {"ParentImage": " "})


def test_exists_true_matches_any_present_value_even_empty():
    query = convert(detection_rule(r"""
        sel:
            ParentImage|exists: true
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "ParentImage" as ParentImage nodrop\n'
        '| where !isNull(ParentImage)'
    )
    assert matches(query, {"ParentImage": ""})
    assert not matches(query, {"Image": "a.exe"})


def test_exists_false_matches_an_absent_field_only():
    query = convert(detection_rule(r"""
        sel:
            ParentImage|exists: false
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "ParentImage" as ParentImage nodrop\n'
        '| where isNull(ParentImage)'
    )
    assert matches(query, {"Image": "a.exe"})
    assert not matches(query, {"ParentImage": ""})


def test_wildcard_alone_does_not_match_an_absent_field():
    query = convert(detection_rule(r"""
        sel:
            ParentImage: '*'
        condition: sel
    """))

    assert query.endswith('| where !isNull(ParentImage) and ParentImage matches /(?is)^.*$/')
    assert matches(query, {"ParentImage": ""})
    assert not matches(query, {"Image": "a.exe"})
