"""Semantics 10: grouping is explicit, and quantifiers keep each selection's AND."""
import pytest
from sigma.exceptions import SigmaConditionError

from .conversion import convert, detection_rule, matches


def test_or_inside_and_and_negated_groups_are_parenthesized():
    query = convert(detection_rule(r"""
        sel:
            Image: 'a'
        alt1:
            User: 'b'
        alt2:
            Code: 'c'
        condition: sel and (alt1 or alt2) and not (alt1 and alt2)
    """))

    assert query == (
        '*\n'
        '| json field=_raw "Image", "User", "Code" as Image, User, Code nodrop\n'
        '| where !isNull(Image) and toLowerCase(Image) = "a"'
        ' and ((!isNull(User) and toLowerCase(User) = "b")'
        ' or (!isNull(Code) and toLowerCase(Code) = "c"))'
        ' and !(!isNull(User) and toLowerCase(User) = "b"'
        ' and !isNull(Code) and toLowerCase(Code) = "c")'
    )
    assert matches(query, {"Image": "A", "Code": "C"})
    assert not matches(query, {"Image": "A"})
    assert not matches(query, {"Image": "A", "User": "b", "Code": "c"})


def test_one_of_pattern_keeps_the_and_of_each_selection():
    query = convert(detection_rule(r"""
        sel_a:
            Image|endswith: '\a.exe'
            User: 'x'
        sel_b:
            Image|endswith: '\b.exe'
            User: 'y'
        condition: 1 of sel_*
    """))

    assert query == (
        '*\n'
        '| json field=_raw "Image", "User" as Image, User nodrop\n'
        r'| where (!isNull(Image) and Image matches /(?is)^.*\\a\.exe$/'
        ' and !isNull(User) and toLowerCase(User) = "x")'
        r' or (!isNull(Image) and Image matches /(?is)^.*\\b\.exe$/'
        ' and !isNull(User) and toLowerCase(User) = "y")'
    )
    assert matches(query, {"Image": "c:\\a.exe", "User": "x"})
    assert not matches(query, {"Image": "c:\\a.exe", "User": "y"})


def test_all_of_pattern_needs_every_selection():
    query = convert(detection_rule(r"""
        sel_image:
            Image|endswith: '\a.exe'
        sel_user:
            User: 'x'
        condition: all of sel_*
    """))

    assert query.endswith(
        r'| where !isNull(Image) and Image matches /(?is)^.*\\a\.exe$/'
        ' and !isNull(User) and toLowerCase(User) = "x"'
    )
    assert matches(query, {"Image": "c:\\a.exe", "User": "x"})
    assert not matches(query, {"Image": "c:\\a.exe"})


def test_one_of_them_skips_underscore_detections():
    query = convert(detection_rule(r"""
        sel:
            User: 'x'
        _excluded:
            User: 'z'
        condition: 1 of them
    """))

    assert query.endswith('| where !isNull(User) and toLowerCase(User) = "x"')
    assert not matches(query, {"User": "z"})


@pytest.mark.parametrize(
    ("condition", "quantifier"),
    [("sel and not 1 of filter_*", "1 of filter_*"), ("all of nothing*", "all of nothing*")],
)
def test_quantifier_over_no_detection_is_an_error(condition, quantifier):
    rule = detection_rule(f"""
        sel:
            User: 'x'
        condition: {condition}
    """)

    with pytest.raises(SigmaConditionError) as error:
        convert(rule)
    assert f"'{quantifier}' in condition '{condition}' selects no detection" in str(error.value)
