"""Semantics 9: `not` over a condition on a missing field is true."""
from .conversion import convert, detection_rule, matches


def test_filter_on_a_missing_field_does_not_hide_the_selection():
    query = convert(detection_rule(r"""
        sel:
            Image|endswith: '\cmd.exe'
        filter:
            ParentImage|startswith: 'C:\Program Files\'
        condition: sel and not filter
    """))

    assert query == (
        '*\n'
        '| json field=_raw "Image", "ParentImage" as Image, ParentImage nodrop\n'
        r'| where !isNull(Image) and Image matches /(?is)^.*\\cmd\.exe$/'
        r' and !(!isNull(ParentImage) and ParentImage matches /(?is)^C:\\Program Files\\.*$/)'
    )
    assert matches(query, {"Image": "C:\\Windows\\cmd.exe"})
    assert matches(query, {"Image": "C:\\Windows\\cmd.exe", "ParentImage": "C:\\x.exe"})
    assert not matches(
        query, {"Image": "C:\\Windows\\cmd.exe", "ParentImage": "C:\\Program Files\\a.exe"}
    )


def test_not_equal_value_is_true_for_a_missing_field():
    query = convert(detection_rule(r"""
        sel:
            User: 'SYSTEM'
        condition: not sel
    """))

    assert query.endswith('| where !(!isNull(User) and toLowerCase(User) = "system")')
    assert matches(query, {"Image": "a.exe"})
    assert matches(query, {"User": "bob"})
    assert not matches(query, {"User": "system"})


def test_negated_number_comparison_is_true_for_a_missing_field():
    query = convert(detection_rule(r"""
        sel:
            DestinationPort|lt: 1024
        condition: not sel
    """))

    assert matches(query, {"Image": "a.exe"})
    assert matches(query, {"DestinationPort": "8080"})
    assert not matches(query, {"DestinationPort": "80"})


def test_negated_cidr_and_regex_are_true_for_a_missing_field():
    query = convert(detection_rule(r"""
        private:
            DestinationIp|cidr: '10.0.0.0/8'
        script:
            CommandLine|re: '\.ps1$'
        condition: not private and not script
    """))

    assert matches(query, {"Image": "a.exe"})
    assert not matches(query, {"DestinationIp": "10.1.2.3"})
    assert not matches(query, {"CommandLine": "run.ps1"})


def test_neq_modifier_is_a_negated_value_that_holds_for_a_missing_field():
    query = convert(detection_rule(r"""
        sel:
            Image|endswith: '\cmd.exe'
            User|neq: 'SYSTEM'
        condition: sel
    """))

    assert query.endswith('!(!isNull(User) and toLowerCase(User) = "system")')
    assert matches(query, {"Image": "C:\\cmd.exe"})
    assert not matches(query, {"Image": "C:\\cmd.exe", "User": "System"})
