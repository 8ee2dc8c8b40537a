"""Semantics 6: numbers match as text whatever their JSON type; comparisons are numeric."""
import pytest

from .conversion import convert, detection_rule, matches


def test_number_matches_a_json_number_and_a_digit_string():
    query = convert(detection_rule(r"""
        sel:
            DestinationPort: 443
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "DestinationPort" as DestinationPort nodrop\n'
        '| where !isNull(DestinationPort) and DestinationPort = "443"'
    )
    assert matches(query, {"DestinationPort": 443})
    assert matches(query, {"DestinationPort": "443"})
    assert not matches(query, {"DestinationPort": 4430})


def test_list_of_numbers_is_an_in_list():
    query = convert(detection_rule(r"""
        sel:
            DestinationPort: [4444, 1337]
        condition: sel
    """))

    assert query.endswith(
        '| where !isNull(DestinationPort) and DestinationPort in ("4444", "1337")'
    )
    assert matches(query, {"DestinationPort": "1337"})
    assert not matches(query, {"DestinationPort": "31337"})


def test_greater_or_equal_compares_numbers_not_text():
    query = convert(detection_rule(r"""
        sel:
            DestinationPort|gte: 10
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "DestinationPort" as DestinationPort nodrop\n'
        r'| where !isNull(DestinationPort) and DestinationPort matches '
        r'/^-?[0-9]+(?:\.[0-9]+)?$/ and num(DestinationPort) >= 10'
    )
    assert matches(query, {"DestinationPort": "10"})
    assert matches(query, {"DestinationPort": 100})
    assert not matches(query, {"DestinationPort": "9"})
    assert not matches(query, {"DestinationPort": "http"})
    assert not matches(query, {"Image": "a.exe"})


@pytest.mark.parametrize(
    ("modifier", "operator", "inside", "outside"),
    [("lt", "<", "1023", "1024"), ("lte", "<=", "1024", "1025"), ("gt", ">", "1025", "1024")],
)
def test_each_comparison_modifier_uses_its_operator(modifier, operator, inside, outside):
    query = convert(detection_rule(f"""
        sel:
            DestinationPort|{modifier}: 1024
        condition: sel
    """))

    assert query.endswith(f"num(DestinationPort) {operator} 1024")
    assert matches(query, {"DestinationPort": inside})
    assert not matches(query, {"DestinationPort": outside})
