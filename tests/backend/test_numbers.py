"""Semantics 6: numbers match as text whatever their JSON type; comparisons are numeric."""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sigma.backends.sumo.literals import number_text
from sigma.exceptions import SigmaFeatureNotSupportedByBackendError

from tests.sumo import check_query

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


def test_decimal_value_is_compared_as_its_plain_decimal_text():
    query = convert(detection_rule(r"""
        sel:
            b: 0.00001
        condition: sel
    """))

    assert query.endswith('| where !isNull(b) and b = "0.00001"')
    check_query(query)
    assert matches(query, {"b": "0.00001"})
    assert not matches(query, {"b": "1e-05"})
    assert not matches(query, {"b": "0.000010"})


def test_comparison_with_a_small_decimal_writes_it_without_exponent():
    query = convert(detection_rule(r"""
        sel:
            a|lt: 0.00001
        condition: sel
    """))

    assert query.endswith(
        r"| where !isNull(a) and a matches /^-?[0-9]+(?:\.[0-9]+)?$/ and num(a) < 0.00001"
    )
    check_query(query)
    assert matches(query, {"a": "0.000009"})
    assert matches(query, {"a": "-3"})
    assert not matches(query, {"a": "0.00001"})
    assert not matches(query, {"a": "0.5"})


def test_comparison_with_a_small_negative_decimal_writes_it_without_exponent():
    query = convert(detection_rule(r"""
        sel:
            a|gt: -0.0000025
        condition: sel
    """))

    assert query.endswith("num(a) > -0.0000025")
    check_query(query)
    assert matches(query, {"a": "-0.000002"})
    assert not matches(query, {"a": "-0.0000025"})
    assert not matches(query, {"a": "-1"})


def test_decimal_keyword_is_searched_as_its_plain_decimal_text():
    query = convert(detection_rule(r"""
        keywords:
            - 0.00001
        condition: keywords
    """))

    assert query == "*\n| where _raw matches /(?is)^(?:[^\\x{5c}]|\\\\.)*0\\.00001.*$/"
    check_query(query)
    assert matches(query, {"Message": "ratio 0.00001 reached"})
    assert not matches(query, {"Message": "ratio 1e-05 reached"})


def test_decimal_with_a_zero_fraction_is_compared_as_the_integer_pysigma_makes_of_it():
    query = convert(detection_rule(r"""
        sel:
            Version: 10.0
        condition: sel
    """))

    assert query.endswith('| where !isNull(Version) and Version = "10"')
    assert matches(query, {"Version": 10})
    assert matches(query, {"Version": "10"})
    assert not matches(query, {"Version": "10.0"})


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_text_is_plain_decimal_with_the_shortest_digits_that_read_back_as_the_float(number):
    text = number_text(number)

    assert "e" not in text.lower()
    assert float(text) == number
    assert _significant_digits(text) == _significant_digits(repr(number).split("e")[0])


def _significant_digits(text: str) -> str:
    """The digits of a decimal without sign, point, and leading or trailing zeros."""
    return text.lstrip("-").replace(".", "").strip("0")


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1e-05, "0.00001"), (-0.5, "-0.5"), (1.5e-10, "0.00000000015"),
        (1e16, "10000000000000000"), (1e23, "100000000000000000000000"),
        (443, "443"), (-7, "-7"), (2.0, "2"), (0.0, "0"), (-0.0, "0"),
    ],
)
def test_number_text_examples(number, text):
    assert number_text(number) == text


@pytest.mark.parametrize("value", ["12345678901234567890123", "1.5e+300", "-9007199254740992"])
def test_a_number_pysigma_may_have_rounded_is_refused(value):
    rule = detection_rule(f"""
        sel:
            a: {value}
        condition: sel
    """)

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="quote the value"):
        convert(rule)


def test_the_largest_exact_integer_is_compared_as_its_text():
    query = convert(detection_rule("""
        sel:
            a|lt: 9007199254740991
        condition: sel
    """))

    assert query.endswith("num(a) < 9007199254740991")
    assert matches(query, {"a": "9007199254740990"})
    assert not matches(query, {"a": "9007199254740991"})
