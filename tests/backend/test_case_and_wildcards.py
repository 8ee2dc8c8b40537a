"""Semantics 1 and 2: case, Unicode letters, `|cased`, `?` and `*`, escapes and backslashes."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from .conversion import convert, detection_rule, matches, rule_with


def test_plain_value_is_compared_ignoring_case():
    query = convert(detection_rule(r"""
        sel:
            User: 'SYSTEM'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "User" as User nodrop\n'
        '| where !isNull(User) and toLowerCase(User) = "system"'
    )
    assert matches(query, {"User": "System"})
    assert matches(query, {"User": "system"})
    assert not matches(query, {"User": "systemd"})


def test_value_with_backslash_is_a_case_insensitive_anchored_regex():
    query = convert(detection_rule(r"""
        sel:
            User: 'NT AUTHORITY\SYSTEM'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "User" as User nodrop\n'
        r'| where !isNull(User) and User matches /(?i)^NT AUTHORITY\\SYSTEM$/'
    )
    assert matches(query, {"User": "nt authority\\system"})
    assert not matches(query, {"User": "NT AUTHORITY\\SYSTEM2"})
    assert not matches(query, {"User": "NT AUTHORITY/SYSTEM"})


def test_endswith_ignores_the_case_of_non_ascii_letters():
    query = convert(detection_rule(r"""
        sel:
            Image|endswith: '\ÄPFEL.EXE'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "Image" as Image nodrop\n'
        r'| where !isNull(Image) and Image matches /(?is)^.*\\[\x{c4}\x{e4}]PFEL\.EXE$/'
    )
    assert matches(query, {"Image": "c:\\t\\äpfel.exe"})
    assert not matches(query, {"Image": "c:\\t\\apfel.exe"})
    assert not matches(query, {"Image": "c:\\t\\äpfel.exe.bak"})


def test_letters_without_a_one_character_upper_case_still_get_every_variant():
    query = convert(detection_rule(r"""
        sel:
            User: 'straße'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "User" as User nodrop\n'
        r'| where !isNull(User) and User matches /(?i)^stra[\x{df}\x{1e9e}]e$/'
    )
    assert matches(query, {"User": "STRAẞE"})
    assert matches(query, {"User": "Straße"})
    assert not matches(query, {"User": "STRASSE"})


def test_contains_matches_anywhere_ignoring_case():
    query = convert(detection_rule(r"""
        sel:
            CommandLine|contains: 'Invoke-Expression'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "CommandLine" as CommandLine nodrop\n'
        r'| where !isNull(CommandLine) and CommandLine matches /(?is)^.*Invoke-Expression.*$/'
    )
    assert matches(query, {"CommandLine": "powershell IEX; invoke-expression $x"})
    assert matches(query, {"CommandLine": "line one\nINVOKE-EXPRESSION\nline three"})
    assert not matches(query, {"CommandLine": "Invoke-Command"})


def test_startswith_keeps_the_start_anchor():
    query = convert(detection_rule(r"""
        sel:
            Image|startswith: 'C:\Users\'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "Image" as Image nodrop\n'
        r'| where !isNull(Image) and Image matches /(?is)^C:\\Users\\.*$/'
    )
    assert matches(query, {"Image": "c:\\users\\bob\\a.exe"})
    assert not matches(query, {"Image": "D:\\c:\\users\\a.exe"})


def test_cased_value_is_compared_exactly():
    query = convert(detection_rule(r"""
        sel:
            CommandLine|cased: 'FromBase64String'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "CommandLine" as CommandLine nodrop\n'
        '| where !isNull(CommandLine) and CommandLine = "FromBase64String"'
    )
    assert matches(query, {"CommandLine": "FromBase64String"})
    assert not matches(query, {"CommandLine": "frombase64string"})


def test_cased_contains_is_a_regex_without_the_ignore_case_flag():
    query = convert(detection_rule(r"""
        sel:
            CommandLine|cased|contains: 'Ä'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "CommandLine" as CommandLine nodrop\n'
        r'| where !isNull(CommandLine) and CommandLine matches /(?s)^.*\x{c4}.*$/'
    )
    assert matches(query, {"CommandLine": "xÄy"})
    assert not matches(query, {"CommandLine": "xäy"})


def test_question_mark_is_exactly_one_character():
    query = convert(detection_rule(r"""
        sel:
            Code: 'A?1'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "Code" as Code nodrop\n'
        '| where !isNull(Code) and Code matches /(?is)^A.1$/'
    )
    assert matches(query, {"Code": "AX1"})
    assert matches(query, {"Code": "a\n1"})
    assert not matches(query, {"Code": "A1"})
    assert not matches(query, {"Code": "AXY1"})


def test_escaped_star_is_a_literal_star():
    query = convert(detection_rule(r"""
        sel:
            Code: 'a\*b'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "Code" as Code nodrop\n'
        '| where !isNull(Code) and toLowerCase(Code) = "a*b"'
    )
    assert matches(query, {"Code": "A*B"})
    assert not matches(query, {"Code": "axb"})


def test_escaped_question_mark_is_a_literal_question_mark():
    query = convert(detection_rule(r"""
        sel:
            Code|contains: 'a\?b'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "Code" as Code nodrop\n'
        r'| where !isNull(Code) and Code matches /(?is)^.*a\?b.*$/'
    )
    assert matches(query, {"Code": "x a?b x"})
    assert not matches(query, {"Code": "x axb x"})


def test_trailing_backslash_before_the_contains_wildcard_is_literal():
    query = convert(detection_rule(r"""
        sel:
            TargetFilename|contains: '\Desktop\'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "TargetFilename" as TargetFilename nodrop\n'
        r'| where !isNull(TargetFilename) and TargetFilename matches /(?is)^.*\\Desktop\\.*$/'
    )
    assert matches(query, {"TargetFilename": "C:\\Users\\x\\desktop\\a.lnk"})
    assert not matches(query, {"TargetFilename": "C:\\Users\\x\\Desktop.lnk"})
    assert not matches(query, {"TargetFilename": "C:/Users/x/Desktop/a.lnk"})


def test_list_of_plain_values_is_one_caseless_alternation_under_one_guard():
    query = convert(detection_rule(r"""
        sel:
            User: ['alice', 'Bob']
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "User" as User nodrop\n'
        '| where !isNull(User) and User matches /(?i)^(?:alice|Bob)$/'
    )
    assert matches(query, {"User": "BOB"})
    assert matches(query, {"User": "Alice"})
    assert not matches(query, {"User": "carol"})
    assert not matches(query, {"User": "alicebob"})


def test_values_with_one_modifier_share_their_common_start_and_end():
    query = convert(detection_rule(r"""
        sel:
            Image|endswith: ['\a.exe', '\b.exe']
        condition: sel
    """))

    assert query.endswith(r'| where !isNull(Image) and Image matches /(?is)^.*\\(?:a|b)\.exe$/')
    assert matches(query, {"Image": "C:\\Tools\\B.EXE"})
    assert not matches(query, {"Image": "C:\\Tools\\c.exe"})
    assert not matches(query, {"Image": "C:\\Tools\\ab.exe"})


def test_exact_values_stay_an_in_list_beside_the_regex_of_the_others():
    query = convert(detection_rule(r"""
        sel:
            LogonType: [3, 10]
            TargetUserName|cased: ['Admin', 'Adm*']
        condition: sel
    """))

    assert query.endswith(
        '| where !isNull(LogonType) and LogonType in ("3", "10")'
        ' and !isNull(TargetUserName) and (TargetUserName = "Admin"'
        ' or TargetUserName matches /(?s)^Adm.*$/)'
    )
    assert matches(query, {"LogonType": "10", "TargetUserName": "Admx"})
    assert not matches(query, {"LogonType": "10", "TargetUserName": "admin"})
    assert not matches(query, {"LogonType": "2", "TargetUserName": "Admin"})


def sigma_value_regex(value: str) -> "re.Pattern[str]":
    """What a Sigma value means, as a Python regex: `*` any run, `?` one character, no case."""
    body = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in value
    )
    return re.compile(body, re.IGNORECASE | re.DOTALL)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.text("abAé.*?", min_size=1, max_size=5), min_size=2, max_size=5),
    st.lists(st.text("abAÉé.", max_size=6), min_size=1, max_size=4),
)
def test_a_list_of_values_matches_what_any_one_value_matches(values, subjects):
    query = convert(rule_with({"sel": {"Field": values}}))

    for subject in subjects:
        expected = any(sigma_value_regex(value).fullmatch(subject) for value in values)
        assert matches(query, {"Field": subject}) == expected, (values, subject, query)
