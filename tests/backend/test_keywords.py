"""Semantics 7: keywords search the raw JSON event, ignoring case, as substrings of one value."""
from .conversion import convert, detection_rule, matches


def test_keyword_is_found_anywhere_in_the_raw_event_ignoring_case():
    query = convert(detection_rule(r"""
        keywords:
            - 'sekurlsa::'
        condition: keywords
    """))

    assert query == '*\n| where _raw matches /(?is)^.*sekurlsa::.*$/'
    assert matches(query, {"CommandLine": "mimikatz SEKURLSA::logonpasswords exit"})
    assert not matches(query, {"CommandLine": "sekurlsa logonpasswords"})


def test_keyword_backslash_is_matched_as_json_writes_it():
    query = convert(detection_rule(r"""
        keywords:
            - 'C:\Temp\'
        condition: keywords
    """))

    assert query == r'*' '\n' r'| where _raw matches /(?is)^.*C:\\\\Temp\\\\.*$/'
    assert matches(query, {"TargetFilename": "c:\\temp\\drop.exe"})
    assert not matches(query, {"TargetFilename": "c:/temp/drop.exe"})


def test_keyword_with_non_ascii_letter_and_quote_matches_either_json_spelling():
    query = convert(detection_rule(r"""
        keywords:
            - 'Ä"x'
        condition: keywords
    """))

    assert query == (
        '*\n'
        r'| where _raw matches /(?is)^.*(?:[\x{c4}\x{e4}]|\\u00c4|\\u00e4)\\\x{22}x.*$/'
    )
    assert matches(query, {"Message": 'said ä"X'})
    assert not matches(query, {"Message": "said a'x"})


def test_keyword_list_matches_any_keyword():
    query = convert(detection_rule(r"""
        keywords:
            - 'alpha'
            - 'beta'
        condition: keywords
    """))

    assert query == '*\n| where _raw matches /(?is)^.*alpha.*$/ or _raw matches /(?is)^.*beta.*$/'
    assert matches(query, {"Message": "BETA"})
    assert not matches(query, {"Message": "gamma"})


def test_keywords_with_all_need_every_keyword():
    query = convert(detection_rule(r"""
        keywords:
            '|all':
                - 'alpha'
                - 'beta'
        condition: keywords
    """))

    assert query == '*\n| where _raw matches /(?is)^.*alpha.*$/ and _raw matches /(?is)^.*beta.*$/'
    assert matches(query, {"Message": "beta then alpha"})
    assert not matches(query, {"Message": "alpha only"})


def test_keyword_question_mark_is_one_character_of_the_value():
    query = convert(detection_rule(r"""
        keywords:
            - 'a?c'
        condition: keywords
    """))

    assert matches(query, {"Message": "xabcx"})
    assert matches(query, {"Message": "xa\\cx"})
    assert not matches(query, {"Message": "xabbcx"})


def test_keyword_question_mark_is_no_quote_that_ends_a_value():
    query = convert(detection_rule(r"""
        keywords:
            - 'powershell?'
        condition: keywords
    """))

    assert query == (
        '*\n| where _raw matches '
        r'/(?is)^.*powershell(?:[^\x{22}\x{5c}]|\\u[0-9a-f]{4}|\\[^u]).*$/'
    )
    assert matches(query, {"Image": "C:\\x\\powershell1"})
    assert matches(query, {"Image": 'C:\\x\\powershell"'})
    assert not matches(query, {"Image": "C:\\x\\powershell"})


def test_keyword_star_stays_inside_one_value():
    query = convert(detection_rule(r"""
        keywords:
            - 'cmd.exe*whoami'
        condition: keywords
    """))

    assert query == (
        '*\n| where _raw matches '
        r'/(?is)^.*cmd\.exe(?:[^\x{22}\x{5c}]|\\u[0-9a-f]{4}|\\[^u])*whoami.*$/'
    )
    assert matches(query, {"CommandLine": 'cmd.exe /c "whoami"'})
    assert matches(query, {"CommandLine": "cmd.exe\n\twhoami"})
    assert not matches(query, {"Image": "cmd.exe", "CommandLine": "whoami"})
