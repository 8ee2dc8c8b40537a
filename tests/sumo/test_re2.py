"""The RE2 check accepts what RE2 compiles and rejects what only PCRE or Python would."""
import pytest

from tests.sumo.re2 import NotRE2Error, check_re2

RE2_PATTERNS = {
    "inline case flag at the start": "(?i)cmd\\.exe",
    "inline flag in the middle": "a(?i)b",
    "scoped flags": "(?is:a.b)",
    "ungreedy flag": "(?U)a+",
    "hex escape with braces": "\\x{5c}\\x{2e}",
    "hex escape in a class": "[\\x{41}-\\x{5a}]",
    "unicode class": "\\pL+\\p{Greek}",
    "POSIX class inside brackets": "[[:alpha:]]+",
    "closing bracket first in a class": "[]a]",
    "negated class starting with a bracket": "[^]a]+",
    "literal quoting": "\\Qa.b*c\\E",
    "absolute anchors": "\\A[\\s\\S]*x[\\s\\S]*\\z",
    "lazy quantifiers": "a+?b*?c??d{2,3}?",
    "escaped slash": "c:\\/windows",
    "named group, Python spelling": "(?P<name>x)",
    "named group, Perl spelling": "(?<name>x)",
    "repeat at RE2's limit": "a{1000}",
}

NOT_RE2_PATTERNS = {
    "look-ahead": "(?=a)b",
    "negative look-ahead": "(?!a)b",
    "look-behind": "(?<=a)b",
    "negative look-behind": "(?<!a)b",
    "numbered back-reference": "(a)\\1",
    "named back-reference, Perl spelling": "(?<n>a)\\k<n>",
    "named back-reference, Python spelling": "(?P<n>a)(?P=n)",
    "possessive star": "a*+",
    "possessive repeat": "a{2}+",
    "atomic group": "(?>a)",
    "conditional group": "(?(1)a|b)",
    "end before final newline": "a\\Z",
    "extended flag": "(?x)a b",
    "Python code point escape": "\\u0041",
    "repeat over RE2's limit": "a{1001}",
    "repeat range out of order": "a{5,2}",
    "unbalanced group": "(a|b",
    "unbalanced closing parenthesis": "a)",
    "unterminated class": "[a-z",
    "nothing to repeat": "*a",
    "double quantifier": "a**",
    "trailing backslash": "a\\",
}


@pytest.mark.parametrize("pattern", RE2_PATTERNS.values(), ids=RE2_PATTERNS.keys())
def test_re2_syntax_is_accepted(pattern: str) -> None:
    check_re2(pattern)


@pytest.mark.parametrize("pattern", NOT_RE2_PATTERNS.values(), ids=NOT_RE2_PATTERNS.keys())
def test_syntax_outside_re2_is_rejected(pattern: str) -> None:
    with pytest.raises(NotRE2Error):
        check_re2(pattern)


def test_the_error_points_at_the_offending_construct() -> None:
    with pytest.raises(NotRE2Error) as raised:
        check_re2("abc(?<!x)d")

    assert raised.value.offset == 3
