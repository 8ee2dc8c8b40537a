"""The backend and the evaluator write a rule's numbers as the same plain decimal text, each in
its own code, and so judge the same events alike."""
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sigma.backends.sumo.literals import number_text as query_number_text

from tests.backend.conversion import convert, detection_rule, matches as query_matches
from tests.evaluator.event import number_text as evaluator_number_text
from tests.evaluator.testing import matches as evaluator_matches

LOGSOURCE = "{product: windows, category: process_creation}"


def both_verdicts(detection: str, events: list[dict[str, Any]]) -> tuple[list[bool], list[bool]]:
    """The Sumo reference reader's verdicts on the converted query, and the evaluator's."""
    query = convert(detection_rule(detection, LOGSOURCE))
    sumo = [query_matches(query, event) for event in events]
    evaluator = [evaluator_matches(detection, event, logsource=LOGSOURCE,
                                   pipelines=("sumo_json",)) for event in events]
    return sumo, evaluator


@pytest.mark.parametrize(("event", "verdict"), [
    ({"b": "0.00001", "a": "0"}, True),
    ({"b": "0.00001", "a": "-0.000002"}, True),
    ({"b": "1e-05", "a": "0"}, False),
    ({"b": "0.000010", "a": "0"}, False),
    ({"b": "0.00001", "a": "0.00001"}, False),
    ({"b": "0.00001", "a": "0.5"}, False),
    ({"b": "0.00001"}, False),
])
def test_a_small_decimal_equality_and_comparison_judge_events_alike(event, verdict):
    detection = """
        sel:
            b: 0.00001
            a|lt: 0.00001
        condition: sel
    """
    assert both_verdicts(detection, [event]) == ([verdict], [verdict])


def test_a_decimal_keyword_judges_events_alike():
    detection = """
        keywords:
            - 0.00001
        condition: keywords
    """
    events = [{"Message": "ratio 0.00001 reached"}, {"Message": "ratio 1e-05 reached"}]

    assert both_verdicts(detection, events) == ([True, False], [True, False])


def test_a_zero_fraction_is_the_same_integer_to_both():
    detection = """
        sel:
            Version: 10.0
        condition: sel
    """
    events = [{"Version": "10"}, {"Version": 10}, {"Version": "10.0"}]

    assert both_verdicts(detection, events) == ([True, True, False], [True, True, False])


@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers()))
def test_both_write_every_number_as_the_same_text(number):
    assert query_number_text(number) == evaluator_number_text(number)
