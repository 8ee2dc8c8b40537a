"""Semantics 3: `|re` searches anywhere, honours the i, m and s flags, and rejects non-RE2."""
import re
from dataclasses import dataclass

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sigma.exceptions import SigmaFeatureNotSupportedByBackendError

from .conversion import convert, detection_rule, matches, rule_with


def test_regex_searches_anywhere_in_the_value():
    query = convert(detection_rule(r"""
        sel:
            CommandLine|re: '\s-w(in(dow(style)?)?)?\s+hid'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "CommandLine" as CommandLine nodrop\n'
        r'| where !isNull(CommandLine) and CommandLine matches /\A[\s\S]*'
        r'(?:[\x{09}-\x{0d}\x{20}]-w(in(dow(style)?)?)?[\x{09}-\x{0d}\x{20}]+hid)[\s\S]*\z/'
    )
    assert matches(query, {"CommandLine": "powershell.exe -windowstyle hidden -c x"})
    assert matches(query, {"CommandLine": "powershell.exe -w  hid"})
    assert not matches(query, {"CommandLine": "powershell.exe -W HIDDEN"})


def test_regex_is_case_sensitive_without_the_i_flag_and_insensitive_with_it():
    sensitive = convert(detection_rule(r"""
        sel:
            Image|re: 'cmd\.exe$'
        condition: sel
    """))
    insensitive = convert(detection_rule(r"""
        sel:
            Image|re|i: 'cmd\.exe$'
        condition: sel
    """))

    assert sensitive.endswith(r'Image matches /\A[\s\S]*(?:cmd\.exe(?:\x{0a}?\z))[\s\S]*\z/')
    assert insensitive.endswith(
        r'Image matches /(?i)\A[\s\S]*(?:cmd\.exe(?:\x{0a}?\z))[\s\S]*\z/'
    )
    assert matches(sensitive, {"Image": "C:\\Windows\\cmd.exe"})
    assert not matches(sensitive, {"Image": "C:\\WINDOWS\\CMD.EXE"})
    assert not matches(sensitive, {"Image": "C:\\Windows\\cmd.exe.bak"})
    assert matches(insensitive, {"Image": "C:\\WINDOWS\\CMD.EXE"})


def test_multiline_flag_lets_caret_match_at_each_line():
    with_m = convert(detection_rule(r"""
        sel:
            ScriptBlockText|re|m: '^evil'
        condition: sel
    """))
    without_m = convert(detection_rule(r"""
        sel:
            ScriptBlockText|re: '^evil'
        condition: sel
    """))

    assert with_m.endswith(r'ScriptBlockText matches /(?m)\A[\s\S]*(?:^evil)[\s\S]*\z/')
    assert matches(with_m, {"ScriptBlockText": "ok\nevil()"})
    assert not matches(without_m, {"ScriptBlockText": "ok\nevil()"})
    assert matches(without_m, {"ScriptBlockText": "evil()\nok"})


def test_dotall_flag_lets_dot_match_a_newline():
    with_s = convert(detection_rule(r"""
        sel:
            ScriptBlockText|re|s: 'a.b'
        condition: sel
    """))
    without_s = convert(detection_rule(r"""
        sel:
            ScriptBlockText|re: 'a.b'
        condition: sel
    """))

    assert with_s.endswith(r'ScriptBlockText matches /(?s)\A[\s\S]*(?:a.b)[\s\S]*\z/')
    assert matches(with_s, {"ScriptBlockText": "a\nb"})
    assert not matches(without_s, {"ScriptBlockText": "a\nb"})
    assert matches(without_s, {"ScriptBlockText": "a-b"})


def test_alternation_stays_inside_its_group():
    query = convert(detection_rule(r"""
        sel:
            Image|re: '^a|b$'
        condition: sel
    """))

    assert query.endswith(r'Image matches /\A[\s\S]*(?:^a|b(?:\x{0a}?\z))[\s\S]*\z/')
    assert matches(query, {"Image": "abc"})
    assert matches(query, {"Image": "cab"})
    assert not matches(query, {"Image": "cac"})


def test_dollar_without_m_flag_also_matches_before_a_final_newline():
    query = convert(detection_rule(r"""
        sel:
            a|re: 'exe$'
        condition: sel
    """, logsource="{product: test}"))

    assert query == (
        '*\n'
        '| json field=_raw "a" as a nodrop\n'
        r'| where !isNull(a) and a matches /\A[\s\S]*(?:exe(?:\x{0a}?\z))[\s\S]*\z/'
    )
    assert matches(query, {"a": "x.exe"})
    assert matches(query, {"a": "x.exe\n"})
    assert not matches(query, {"a": "x.exe\n\n"})
    assert not matches(query, {"a": "x.exe\nmore"})
    assert not matches(query, {"a": "x.exe "})
    assert not matches(query, {"a": "x.ex\n"})


def test_dollar_with_m_flag_stays_re2_dollar_before_every_newline():
    query = convert(detection_rule(r"""
        sel:
            a|re|m: 'exe$'
        condition: sel
    """, logsource="{product: test}"))

    assert query.endswith(r'a matches /(?m)\A[\s\S]*(?:exe$)[\s\S]*\z/')
    assert matches(query, {"a": "x.exe\nmore"})
    assert matches(query, {"a": "x.exe\n\n"})
    assert matches(query, {"a": "x.exe"})
    assert not matches(query, {"a": "x.exe more"})


@pytest.mark.parametrize(
    ("modifiers", "sigma_regex", "translated"),
    [
        ("re", "^a$|^b$", "^a(?:\\x{0a}?\\z)|^b(?:\\x{0a}?\\z)"),
        ("re", "(^[a-z]{4}$)|(x(y$|z))", "(^[a-z]{4}(?:\\x{0a}?\\z))|(x(y(?:\\x{0a}?\\z)|z))"),
        ("re", "(?:a$|b)", "(?:a(?:\\x{0a}?\\z)|b)"),
        ("re", "(?m)a$", "(?m)a$"),
        ("re", "(?m:a$)|b$", "(?m:a$)|b(?:\\x{0a}?\\z)"),
        ("re", "(?m:a)b$", "(?m:a)b(?:\\x{0a}?\\z)"),
        ("re|m", "(?-m:a$)", "(?-m:a(?:\\x{0a}?\\z))"),
        ("re|m", "(?-m:a)b$c", "(?-m:a)b$c"),
        ("re", "a\\$b[$]", "a\\$b[\\x{24}]"),
    ],
)
def test_dollar_is_translated_by_the_m_flag_in_effect(modifiers, sigma_regex, translated):
    query = convert(detection_rule(f"""
        sel:
            a|{modifiers}: '{sigma_regex}'
        condition: sel
    """, logsource="{product: test}"))

    assert query.endswith(f"\\A[\\s\\S]*(?:{translated})[\\s\\S]*\\z/")


def test_dollar_before_alternative_matches_either_alternative_and_a_final_newline():
    query = convert(detection_rule(r"""
        sel:
            a|re: '(x(y$|z))'
        condition: sel
    """, logsource="{product: test}"))

    assert matches(query, {"a": "-xy\n"})
    assert matches(query, {"a": "-xz-"})
    assert not matches(query, {"a": "-xy-"})


@pytest.mark.parametrize(
    ("modifiers", "regex"),
    [("re", "a$b"), ("re", "a$\\n"), ("re", "(a$)b"), ("re", "(a$|b)c"), ("re", "(a$)*"),
     ("re", "(a$)?"), ("re", "a$(?:b|)"), ("re", "a$^"), ("re", "a$$"), ("re", "a$\\b"),
     ("re|i", "(?i)a$(?i:b)"), ("re|m", "(?-m:a$)b")],
)
def test_dollar_without_m_flag_before_more_pattern_is_rejected(modifiers, regex):
    rule = detection_rule(f"""
        sel:
            a|{modifiers}: '{regex}'
        condition: sel
    """, logsource="{product: test}")

    with pytest.raises(SigmaFeatureNotSupportedByBackendError) as error:
        convert(rule)
    assert "Rule 'Test rule' (00000000-0000-4000-8000-000000000001)" in str(error.value)
    assert "'$' followed by more pattern without the m flag" in str(error.value)


def test_whitespace_escape_includes_the_vertical_tab():
    query = convert(detection_rule(r"""
        sel:
            a|re: 'a\sb'
        condition: sel
    """, logsource="{product: test}"))

    assert query.endswith(r'a matches /\A[\s\S]*(?:a[\x{09}-\x{0d}\x{20}]b)[\s\S]*\z/')
    for space in " \t\n\x0b\f\r":
        assert matches(query, {"a": f"a{space}b"}), repr(space)
    assert not matches(query, {"a": "ab"})
    assert not matches(query, {"a": "a-b"})
    assert not matches(query, {"a": "a\u00a0b"})


def test_non_whitespace_escape_excludes_the_vertical_tab():
    query = convert(detection_rule(r"""
        sel:
            a|re: 'a\Sb'
        condition: sel
    """, logsource="{product: test}"))

    assert query.endswith(r'a matches /\A[\s\S]*(?:a[^\x{09}-\x{0d}\x{20}]b)[\s\S]*\z/')
    assert matches(query, {"a": "a-b"})
    assert matches(query, {"a": "a\u00a0b"})
    assert not matches(query, {"a": "a\x0bb"})
    assert not matches(query, {"a": "a b"})


@pytest.mark.parametrize(
    ("sigma_regex", "translated", "matching", "other"),
    [
        ("a[\\s,]b", "a[\\x{09}-\\x{0d}\\x{20}\\x{2c}]b", "a\x0bb", "a-b"),
        ("a[^\\s,]b", "a[^\\x{09}-\\x{0d}\\x{20}\\x{2c}]b", "a-b", "a\x0bb"),
        ("a[\\S]b", "a[\\x{00}-\\x{08}\\x{0e}-\\x{1f}\\x{21}-\\x{10ffff}]b", "a-b", "a\x0bb"),
        ("a[^\\S\\n]b", "a[^\\x{00}-\\x{08}\\x{0e}-\\x{1f}\\x{21}-\\x{10ffff}\\x{0a}]b",
         "a\x0bb", "a\nb"),
    ],
)
def test_whitespace_escapes_inside_classes_include_the_vertical_tab(
    sigma_regex, translated, matching, other
):
    query = convert(detection_rule(f"""
        sel:
            a|re: '{sigma_regex}'
        condition: sel
    """, logsource="{product: test}"))

    assert query.endswith(f"\\A[\\s\\S]*(?:{translated})[\\s\\S]*\\z/")
    assert matches(query, {"a": matching})
    assert not matches(query, {"a": other})


def test_ignored_case_range_lists_the_case_variants_of_its_non_ascii_letters():
    query = convert(detection_rule(r"""
        sel:
            a|re|i: '[à-å]x'
        condition: sel
    """, logsource="{product: test}"))

    assert query.endswith(
        r'a matches /(?i)\A[\s\S]*(?:[\x{e0}-\x{e5}\x{c0}-\x{c5}\x{212b}]x)[\s\S]*\z/'
    )
    for letter in "àåÀÅ\u212b":
        assert matches(query, {"a": f"-{letter}X"}), letter
    assert not matches(query, {"a": "æx"})
    assert not matches(query, {"a": "Æx"})
    assert not matches(query, {"a": "ax"})


def test_ignored_case_negated_range_excludes_the_case_variants_of_its_letters():
    query = convert(detection_rule(r"""
        sel:
            a|re|i: '^[^à-å]x'
        condition: sel
    """, logsource="{product: test}"))

    assert query.endswith(
        r'a matches /(?i)\A[\s\S]*(?:^[^\x{e0}-\x{e5}\x{c0}-\x{c5}\x{212b}]x)[\s\S]*\z/'
    )
    assert matches(query, {"a": "ax"})
    assert matches(query, {"a": "Æx"})
    assert not matches(query, {"a": "Àx"})
    assert not matches(query, {"a": "àX"})
    assert not matches(query, {"a": "\u212bx"})


def test_cased_range_keeps_only_its_own_characters():
    query = convert(detection_rule(r"""
        sel:
            a|re: '[à-å]x'
        condition: sel
    """, logsource="{product: test}"))

    assert query.endswith(r'a matches /\A[\s\S]*(?:[\x{e0}-\x{e5}]x)[\s\S]*\z/')
    assert matches(query, {"a": "åx"})
    assert not matches(query, {"a": "Åx"})


@pytest.mark.parametrize(
    ("sigma_regex", "translated", "matching"),
    [
        ("[α-γ]", "[\\x{3b1}-\\x{3b3}\\x{391}-\\x{393}\\x{3d0}]", "\u03d0"),
        ("[\u2126-\u212a]", "[\\x{2126}-\\x{212a}Kk\\x{3a9}\\x{3c9}]", "k"),
        ("[a-z0-9]", "[a-z0-9]", "Q"),
        ("[^a-c]", "[^a-c]", "D"),
    ],
)
def test_ignored_case_range_adds_variants_outside_it(sigma_regex, translated, matching):
    query = convert(detection_rule(f"""
        sel:
            a|re|i: '{sigma_regex}'
        condition: sel
    """, logsource="{product: test}"))

    assert query.endswith(f"(?i)\\A[\\s\\S]*(?:{translated})[\\s\\S]*\\z/")
    assert matches(query, {"a": matching})


def test_slash_quote_and_non_ascii_in_a_regex_are_escaped():
    query = convert(detection_rule(r"""
        sel:
            CommandLine|re|i: 'a/b"ä'
        condition: sel
    """))

    assert query.endswith(
        r'CommandLine matches /(?i)\A[\s\S]*(?:a\x{2f}b\x{22}[\x{c4}\x{e4}])[\s\S]*\z/'
    )
    assert matches(query, {"CommandLine": 'x A/B"Ä y'})
    assert not matches(query, {"CommandLine": 'x a/b"a y'})


@pytest.mark.parametrize(
    ("regex", "construct"),
    [
        ("(?<=a)b", "look-around"),
        ("a(?!b)", "look-around"),
        ("(a)\\1", "back-reference"),
        ("a++", "possessive quantifier"),
        ("(?>a)", "group construct"),
        ("\\Z", "escape \\Z"),
    ],
)
def test_constructs_missing_from_re2_are_rejected_naming_the_rule(regex, construct):
    rule = detection_rule(f"""
        sel:
            CommandLine|re: '{regex}'
        condition: sel
    """)

    with pytest.raises(SigmaFeatureNotSupportedByBackendError) as error:
        convert(rule)
    assert "Rule 'Test rule' (00000000-0000-4000-8000-000000000001)" in str(error.value)
    assert construct in str(error.value)


@pytest.mark.parametrize(
    ("sigma_regex", "translated"),
    [
        ("(?P<name>ab)", "(?:ab)"),
        ("\\x41+", "\\x{41}+"),
        ("[a-f\\d_\\-]", "[a-f\\d\\x{5f}\\x{2d}]"),
        ("x{2,3}?", "x{2,3}?"),
        ("a{", "a\\{"),
        ("(?i:ä)b", "(?i:[\\x{c4}\\x{e4}])b"),
        ("\\t\\n", "\\x{09}\\x{0a}"),
        ("\\w+\\d\\W\\D", "\\w+\\d\\W\\D"),
    ],
)
def test_sigma_regex_constructs_are_written_in_escaped_re2(sigma_regex, translated):
    rule = detection_rule(f"""
        sel:
            CommandLine|re: '{sigma_regex}'
        condition: sel
    """)

    query = convert(rule)

    assert query.endswith(f"CommandLine matches /\\A[\\s\\S]*(?:{translated})[\\s\\S]*\\z/")


@pytest.mark.parametrize(
    ("regex", "construct"),
    [("a{1001}", "repetition count above 1000"), ("a{,3}", "'{,n}' repetition"),
     ("[[:digit:]]", "POSIX class"), ("(?x)a", "group construct"), ("\\v", "escape \\v")],
)
def test_regex_constructs_read_differently_by_engines_are_rejected(regex, construct):
    rule = detection_rule(f"""
        sel:
            CommandLine|re: '{regex}'
        condition: sel
    """)

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match=re.escape(construct)):
        convert(rule)


# Pieces of the generated patterns: a tree renders as its Sigma regex and knows which of its
# `$` have nothing after them. Strings are drawn from characters on which Python's Unicode
# classes and ASCII ones agree, and whose case Python folds as the backend does.
ATOMS = ("a", "b", "à", "À", "1", ".", "\\s", "\\S", "\\d", "[à-å]", "[^à-å]", "[a-c]",
         "[\\sb]", "[^\\sa]", "^", "$")
SUBJECT_CHARACTERS = "abcàÀåÅ\u212bæ1-\n\x0b \t"


@dataclass(frozen=True)
class Piece:
    """A generated pattern: its text, and whether a `$` in it has more pattern after it."""

    text: str
    final_dollar: bool
    inner_dollar: bool


def _atom(text: str) -> Piece:
    return Piece(text, final_dollar=text == "$", inner_dollar=False)


def _concatenation(pieces: list[Piece]) -> Piece:
    *first, last = pieces
    return Piece(
        "".join(piece.text for piece in pieces),
        final_dollar=last.final_dollar,
        inner_dollar=last.inner_dollar
        or any(piece.final_dollar or piece.inner_dollar for piece in first),
    )


def _alternation(alternatives: list[Piece]) -> Piece:
    return Piece(
        "|".join(piece.text for piece in alternatives),
        final_dollar=any(piece.final_dollar for piece in alternatives),
        inner_dollar=any(piece.inner_dollar for piece in alternatives),
    )


def _group(opener: str, alternatives: list[Piece]) -> Piece:
    inside = _alternation(alternatives)
    return Piece(opener + inside.text + ")", inside.final_dollar, inside.inner_dollar)


def _repetition(piece: Piece, quantifier: str) -> Piece:
    return Piece(
        f"(?:{piece.text}){quantifier}",
        final_dollar=False,
        inner_dollar=piece.final_dollar or piece.inner_dollar,
    )


def _extend(inner: st.SearchStrategy[Piece]) -> st.SearchStrategy[Piece]:
    return st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(_concatenation),
        st.builds(_group, st.sampled_from(["(", "(?:"]), st.lists(inner, min_size=1, max_size=3)),
        st.builds(_repetition, inner, st.sampled_from(["?", "*", "+", "{1,2}", "??"])),
    )


PIECES = st.recursive(st.sampled_from(ATOMS).map(_atom), _extend, max_leaves=7)
TOP_LEVEL = st.lists(PIECES, min_size=1, max_size=3).map(_alternation)


@settings(max_examples=300, deadline=None)
@given(
    TOP_LEVEL,
    st.sets(st.sampled_from(["i", "m"])),
    st.lists(st.text(SUBJECT_CHARACTERS, max_size=6), min_size=1, max_size=4),
)
def test_translated_regex_matches_where_python_finds_the_pattern(piece, flags, subjects):
    pattern = piece.text
    python_flags = (re.IGNORECASE if "i" in flags else 0) | (re.MULTILINE if "m" in flags else 0)
    try:
        compiled = re.compile(pattern, python_flags)
    except re.error:
        assume(False)
    modifiers = "".join(f"|{flag}" for flag in sorted(flags))
    dollar_before_more = piece.inner_dollar and "m" not in flags

    try:
        query = convert(rule_with({"sel": {f"Field|re{modifiers}": pattern}}))
    except SigmaFeatureNotSupportedByBackendError as error:
        assert dollar_before_more, (pattern, str(error))
        assert "'$' followed by more pattern without the m flag" in str(error)
        return

    assert not dollar_before_more, (pattern, query)
    for subject in subjects:
        expected = compiled.search(subject) is not None
        assert matches(query, {"Field": subject}) == expected, (pattern, subject, query)
