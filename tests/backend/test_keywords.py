"""Semantics 7: keywords search the raw JSON event, ignoring case, as substrings of one value."""
from .conversion import convert, detection_rule, matches

# Whole characters of the raw JSON before a keyword, and one character of a JSON string value.
START = r"(?is)^(?:[^\x{5c}]|\\.)*"
ANY_CHAR = (
    r"(?:[^\x{22}\x{5c}]|\\ud[89ab][0-9a-f]{2}\\ud[c-f][0-9a-f]{2}"
    r"|\\u(?:[0-9a-ce-f][0-9a-f]{3}|d[0-7][0-9a-f]{2})|\\[^u])"
)


def test_keyword_is_found_anywhere_in_the_raw_event_ignoring_case():
    query = convert(detection_rule(r"""
        keywords:
            - 'sekurlsa::'
        condition: keywords
    """))

    assert query == f"*\n| where _raw matches /{START}sekurlsa::.*$/"
    assert matches(query, {"CommandLine": "mimikatz SEKURLSA::logonpasswords exit"})
    assert not matches(query, {"CommandLine": "sekurlsa logonpasswords"})


def test_keyword_backslash_is_matched_as_json_writes_it():
    query = convert(detection_rule(r"""
        keywords:
            - 'C:\Temp\'
        condition: keywords
    """))

    assert query == f"*\n| where _raw matches /{START}" + r"C:\\\\Temp\\\\.*$/"
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
        f"| where _raw matches /{START}" + r"(?:[\x{c4}\x{e4}]|\\u00c4|\\u00e4)\\\x{22}x.*$/"
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

    assert query == (
        f"*\n| where _raw matches /{START}alpha.*$/ or _raw matches /{START}beta.*$/"
    )
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

    assert query == (
        f"*\n| where _raw matches /{START}alpha.*$/ and _raw matches /{START}beta.*$/"
    )
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
        f"/{START}powershell{ANY_CHAR}.*$/"
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
        f"/{START}" + r"cmd\.exe" + f"{ANY_CHAR}*whoami.*$/"
    )
    assert matches(query, {"CommandLine": 'cmd.exe /c "whoami"'})
    assert matches(query, {"CommandLine": "cmd.exe\n\twhoami"})
    assert not matches(query, {"Image": "cmd.exe", "CommandLine": "whoami"})


def test_keyword_starts_at_a_whole_character_of_the_raw_text():
    query = convert(detection_rule(r"""
        keywords:
            - 'nc.exe'
        condition: keywords
    """))

    assert query == (
        '*\n| where _raw matches '
        f"/{START}" + r"nc\.exe.*$/"
    )
    assert matches(query, {"CommandLine": "x nc.exe -e"})
    assert matches(query, {"CommandLine": "x\\nc.exe"})
    assert not matches(query, {"CommandLine": "ping host\nc.exe"})


def test_keyword_quote_is_no_escaped_backslash_before_a_closing_quote():
    query = convert(detection_rule(r"""
        keywords:
            - '"'
        condition: keywords
    """))

    assert matches(query, {"a": 'say "hi"'})
    assert not matches(query, {"a": "C:\\"})


def test_keyword_question_mark_is_one_character_beyond_the_basic_plane():
    query = convert(detection_rule(r"""
        keywords:
            - 'a?b'
        condition: keywords
    """))
    twice = convert(detection_rule(r"""
        keywords:
            - 'a??b'
        condition: keywords
    """))

    assert matches(query, {"a": "a\U0001F600b"})
    assert matches(query, {"a": "a\u00e9b"})
    assert not matches(twice, {"a": "a\U0001F600b"})
