"""Order a rule collection so that every rule comes after the rules it references."""
from __future__ import annotations

from collections.abc import Sequence

from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRuleBase


def references_first(rules: Sequence[SigmaRuleBase]) -> list[SigmaRuleBase]:
    """The rules in their given order, except that referenced rules move before their users.

    pySigma 1.5 sorts with a comparison that is only a partial order, so a correlation can end
    up before one of its base rules when files are read in name order; converting it then fails
    with "Conversion result not available". A depth-first walk gives a real topological order.
    """
    ordered: list[SigmaRuleBase] = []
    placed: set[int] = set()

    def place(rule: SigmaRuleBase) -> None:
        if id(rule) in placed:
            return
        placed.add(id(rule))
        if isinstance(rule, SigmaCorrelationRule):
            for reference in rule.rules:
                if isinstance(reference.rule, SigmaRuleBase):
                    place(reference.rule)
        ordered.append(rule)

    for rule in rules:
        place(rule)
    return ordered
