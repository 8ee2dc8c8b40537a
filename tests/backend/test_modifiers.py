"""Semantics 8: fieldref, windash, base64, base64offset, contains|all and expand."""
import base64

import pytest
from sigma.exceptions import SigmaFeatureNotSupportedByBackendError

from .conversion import convert, detection_rule, matches


def test_fieldref_compares_two_present_fields_ignoring_case():
    query = convert(detection_rule(r"""
        sel:
            SourceHostname|fieldref: DestinationHostname
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "SourceHostname", "DestinationHostname" '
        'as SourceHostname, DestinationHostname nodrop\n'
        '| where !isNull(SourceHostname) and !isNull(DestinationHostname) '
        'and toLowerCase(SourceHostname) = toLowerCase(DestinationHostname)'
    )
    assert matches(query, {"SourceHostname": "WS01", "DestinationHostname": "ws01"})
    assert not matches(query, {"SourceHostname": "WS01", "DestinationHostname": "WS02"})
    assert not matches(query, {"Image": "a.exe"})


def test_fieldref_with_contains_is_rejected():
    rule = detection_rule("sel:\n    CommandLine|fieldref|contains: Image\ncondition: sel")

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="fieldref combined"):
        convert(rule)


def test_windash_matches_each_dash_variant():
    query = convert(detection_rule(r"""
        sel:
            CommandLine|windash|contains: ' -enc '
        condition: sel
    """))

    assert query.endswith(
        r'| where !isNull(CommandLine) and CommandLine matches'
        r' /(?is)^.* (?:-|\x{2f}|\x{2013}|\x{2014}|\x{2015})enc .*$/'
    )
    assert matches(query, {"CommandLine": "powershell /ENC abc"})
    assert matches(query, {"CommandLine": "powershell \u2013enc abc"})
    assert not matches(query, {"CommandLine": "powershell +enc abc"})


def test_base64_contains_matches_the_encoded_text():
    query = convert(detection_rule(r"""
        sel:
            CommandLine|base64|contains: 'http://'
        condition: sel
    """))

    assert query.endswith(
        '| where !isNull(CommandLine) and CommandLine matches /(?is)^.*aHR0cDovLw==.*$/'
    )
    encoded = base64.b64encode(b"http://").decode()
    assert matches(query, {"CommandLine": f"powershell -e {encoded}"})
    assert not matches(query, {"CommandLine": "powershell -e aHR0cHM6Ly8="})


def test_base64offset_matches_the_text_at_any_byte_offset():
    query = convert(detection_rule(r"""
        sel:
            CommandLine|base64offset|contains: 'http://'
        condition: sel
    """))

    assert query.endswith(
        '| where !isNull(CommandLine) and CommandLine matches'
        ' /(?is)^.*(?:aHR0cDovL|h0dHA6Ly|odHRwOi8v).*$/'
    )
    for prefix in (b"", b"x", b"xy"):
        encoded = base64.b64encode(prefix + b"http://example").decode()
        assert matches(query, {"CommandLine": encoded}), prefix
    assert not matches(query, {"CommandLine": base64.b64encode(b"https://example").decode()})


def test_contains_all_needs_every_value():
    query = convert(detection_rule(r"""
        sel:
            CommandLine|contains|all:
                - 'urlcache'
                - 'http'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "CommandLine" as CommandLine nodrop\n'
        '| where !isNull(CommandLine) and CommandLine matches /(?is)^.*urlcache.*$/'
        ' and CommandLine matches /(?is)^.*http.*$/'
    )
    assert matches(query, {"CommandLine": "certutil -urlcache -f HTTP://x"})
    assert not matches(query, {"CommandLine": "certutil -urlcache -f x"})


def test_expand_takes_its_values_from_pipeline_vars():
    rule = detection_rule(r"""
        sel:
            User|expand: '%admins%'
        condition: sel
    """)

    query = convert(rule, vars={"admins": ["root", "Administrator"]})

    assert query.endswith('| where !isNull(User) and User matches /(?i)^(?:root|Administrator)$/')
    assert matches(query, {"User": "ADMINISTRATOR"})
    assert not matches(query, {"User": "guest"})


def test_expand_without_a_var_is_unsupported_naming_the_placeholder_and_the_fix():
    rule = detection_rule("sel:\n    User|expand: '%admins%'\ncondition: sel")

    with pytest.raises(
        SigmaFeatureNotSupportedByBackendError, match="%admins% has no value: define it in the vars"
    ):
        convert(rule)


def test_timestamp_part_modifiers_are_rejected_naming_the_modifier():
    rule = detection_rule("sel:\n    UtcTime|minute: 5\ncondition: sel")

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="minute modifier"):
        convert(rule)
