"""Condition semantics: boolean operators, selectors over detection names, and negation."""
from typing import Any

from tests.evaluator.testing import matches, rule_yaml, run


def verdicts(detection: str, records: list[dict[str, Any]]) -> list[bool]:
    return [matches(detection, record) for record in records]


def test_not_over_an_absent_field_is_true() -> None:
    detection = """
        selection:
            Image|endswith: '\\powershell.exe'
        filter:
            ParentImage|endswith: '\\explorer.exe'
        condition: selection and not filter
    """
    assert verdicts(detection, [
        {"Image": "C:\\x\\powershell.exe"},
        {"Image": "C:\\x\\powershell.exe", "ParentImage": "C:\\Windows\\explorer.exe"},
    ]) == [True, False]


def test_neq_matches_other_values_and_absent_fields() -> None:
    detection = """
        selection:
            User|neq: 'NT AUTHORITY\\SYSTEM'
        condition: selection
    """
    assert verdicts(detection, [
        {"User": "CORP\\alice"}, {}, {"User": "nt authority\\system"},
    ]) == [True, True, False]


def test_one_of_pattern_needs_any_matching_detection() -> None:
    detection = """
        selection_ps:
            Image|endswith: '\\powershell.exe'
        selection_cmd:
            Image|endswith: '\\cmd.exe'
        condition: 1 of selection_*
    """
    assert verdicts(detection, [
        {"Image": "a\\cmd.exe"}, {"Image": "a\\powershell.exe"}, {"Image": "a\\wscript.exe"},
    ]) == [True, True, False]


def test_all_of_pattern_needs_every_matching_detection() -> None:
    detection = """
        selection_image:
            Image|endswith: '\\rundll32.exe'
        selection_cmd:
            CommandLine|contains: 'javascript:'
        condition: all of selection_*
    """
    assert verdicts(detection, [
        {"Image": "a\\rundll32.exe", "CommandLine": "rundll32 javascript:x"},
        {"Image": "a\\rundll32.exe", "CommandLine": "rundll32 shell32.dll"},
    ]) == [True, False]


def test_them_covers_every_detection_except_underscored_ones() -> None:
    detection = """
        a:
            Image: 'a.exe'
        b:
            Image: 'b.exe'
        _c:
            Image: 'c.exe'
        condition: 1 of them
    """
    assert verdicts(detection, [{"Image": "b.exe"}, {"Image": "c.exe"}]) == [True, False]


def test_and_binds_tighter_than_or() -> None:
    detection = """
        a:
            A: 1
        b:
            B: 1
        c:
            C: 1
        condition: a or b and c
    """
    assert verdicts(detection, [{"A": 1}, {"B": 1}, {"B": 1, "C": 1}]) == [True, False, True]


def test_a_list_of_maps_is_an_or_of_ands() -> None:
    detection = """
        selection:
            - Image|endswith: '\\mshta.exe'
            - Image|endswith: '\\rundll32.exe'
              CommandLine|contains: 'javascript:'
        condition: selection
    """
    assert verdicts(detection, [
        {"Image": "x\\mshta.exe"},
        {"Image": "x\\rundll32.exe", "CommandLine": "javascript:alert"},
        {"Image": "x\\rundll32.exe", "CommandLine": "shell32.dll"},
    ]) == [True, True, False]


def test_several_conditions_are_ored() -> None:
    text = rule_yaml("""
        a:
            A: 1
        b:
            B: 1
        condition:
            - a
            - b
    """)
    assert [len(run(text, [r])) for r in ({"A": 1}, {"B": 1}, {"C": 1})] == [1, 1, 0]
