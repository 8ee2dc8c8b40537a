"""The backend's queries and the evaluator read `|re` values alike where PCRE and RE2 differ.

Each implements the reading on its own: the evaluator with Python's `re`, the backend by
rewriting the regex for RE2. Both must give the verdict PCRE and Python agree on.
"""
import pytest

from tests.backend.conversion import convert, detection_rule
from tests.backend.conversion import matches as query_matches
from tests.evaluator.testing import matches as evaluator_matches


@pytest.mark.parametrize(
    ("selection", "value", "verdict"),
    [
        ("a|re: 'exe$'", "x.exe\n", True),
        ("a|re: 'exe$'", "x.exe\n\n", False),
        ("a|re: 'exe$'", "x.exe\nmore", False),
        ("a|re|m: 'exe$'", "x.exe\nmore", True),
        ("a|re: '(x(y$|z))'", "-xy\n", True),
        ("a|re: '(?m:y$)|z$'", "y\nz", True),
        ("a|re: 'a\\sb'", "a\x0bb", True),
        ("a|re: 'a\\Sb'", "a\x0bb", False),
        ("a|re: 'a[^\\S\\n]b'", "a\x0bb", True),
        ("a|re: 'a[^\\S\\n]b'", "a\nb", False),
        ("a|re|i: '[à-å]x'", "Åx", True),
        ("a|re|i: '[à-å]x'", "\u212bx", True),
        ("a|re|i: '[à-å]x'", "Æx", False),
        ("a|re|i: '^[^à-å]x'", "Àx", False),
        ("a|re|i: '^[^à-å]x'", "bx", True),
        ("a|re|i: '[α-γ]'", "\u03d0", True),
    ],
)
def test_query_and_evaluator_give_the_pcre_verdict(selection, value, verdict):
    detection = f"""
        sel:
            {selection}
        condition: sel
    """
    query = convert(detection_rule(detection))

    assert query_matches(query, {"a": value}) is verdict
    assert evaluator_matches(detection, {"a": value}) is verdict
