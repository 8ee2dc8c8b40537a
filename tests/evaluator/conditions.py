"""Condition compilation: a rule's parsed condition tree becomes one nested closure.

pySigma resolves identifiers, `1 of`/`all of`/`them` and detection lists into AND/OR/NOT
nodes over field/value and keyword leaves; each leaf is handed to `values.py`.
"""
from __future__ import annotations

from typing import Any

from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)

from .matchers import Matcher, all_of, any_of
from .values import Placeholders, ValueCompileError, field_matcher, keyword_matcher


def compile_condition(node: Any, placeholders: Placeholders) -> Matcher:
    """A predicate over events equivalent to the condition tree `node`."""
    if isinstance(node, ConditionAND):
        return all_of([compile_condition(arg, placeholders) for arg in node.args])

    if isinstance(node, ConditionOR):
        return any_of([compile_condition(arg, placeholders) for arg in node.args])

    if isinstance(node, ConditionNOT):
        inner = compile_condition(node.args[0], placeholders)
        return lambda event: not inner(event)

    if isinstance(node, ConditionFieldEqualsValueExpression):
        return field_matcher(node.field, node.value, placeholders)

    if isinstance(node, ConditionValueExpression):
        return keyword_matcher(node.value, placeholders)

    if node is None:
        raise ValueCompileError("the condition is empty after processing")
    raise ValueCompileError(f"unsupported condition element {type(node).__name__}")
