"""Correlations convert after their base rules, whatever the file names."""
from __future__ import annotations

from sigma.backends.sumo.ordering import references_first
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule

BASE = """\
title: Base {n}
name: base_{n}
status: test
logsource: {{product: windows, category: network_connection}}
detection:
    selection:
        DestinationPort: {n}
    condition: selection
"""
CORRELATION = """\
title: Correlation {n}
status: test
correlation:
    type: event_count
    rules: [{refs}]
    group-by: [Computer]
    timespan: 10m
    condition: {{gte: 2}}
"""


def _folder(tmp_path, files: dict[str, str]) -> SigmaCollection:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return SigmaCollection.load_ruleset([tmp_path])


def _titles(rules) -> list[str]:
    return [rule.title for rule in rules]


def test_base_rules_move_before_a_correlation_that_sorts_first(tmp_path):
    rules = _folder(tmp_path, {
        "a_correlation.yml": CORRELATION.format(n=1, refs="base_1, base_2"),
        "b_other.yml": BASE.format(n=3),
        "c_base.yml": BASE.format(n=1),
        "d_base.yml": BASE.format(n=2),
    })

    ordered = references_first(rules.rules)

    assert sorted(_titles(ordered)) == sorted(_titles(rules.rules))
    position = {rule.title: i for i, rule in enumerate(ordered)}
    assert position["Base 1"] < position["Correlation 1"]
    assert position["Base 2"] < position["Correlation 1"]


def test_correlation_of_correlations_comes_after_both_levels(tmp_path):
    outer = CORRELATION.format(n=2, refs="inner").replace("title: Correlation 2",
                                                           "title: Correlation 2\nname: outer")
    inner = CORRELATION.format(n=1, refs="base_1").replace("title: Correlation 1",
                                                           "title: Correlation 1\nname: inner")
    rules = _folder(tmp_path, {"a.yml": outer, "b.yml": inner, "c.yml": BASE.format(n=1)})

    ordered = references_first(rules.rules)

    assert _titles(ordered) == ["Base 1", "Correlation 1", "Correlation 2"]
    assert all(isinstance(r, SigmaCorrelationRule) for r in ordered[1:])


def test_order_of_unrelated_rules_is_kept(tmp_path):
    rules = _folder(tmp_path, {f"{c}.yml": BASE.format(n=i) for i, c in enumerate("abc", 1)})

    assert _titles(references_first(rules.rules)) == _titles(rules.rules)

