"""What kind of value an expression yields, as far as its syntax tells."""
from .functions import BOOLEAN, FUNCTIONS, TEXT
from .nodes import And, Call, Compare, Expr, In, Matches, Not, Or, String


def is_boolean(node: Expr) -> bool:
    """Whether the node yields true or false, so it can be a condition."""
    if isinstance(node, (Compare, Matches, In, Not, And, Or)):
        return True
    return isinstance(node, Call) and FUNCTIONS[node.function].result == BOOLEAN


def why_not_a_number(node: Expr) -> str | None:
    """Why the node cannot be an operand of arithmetic, or None if it can be one.

    Fields can: Sumo casts their text to numbers for arithmetic.
    """
    if is_boolean(node):
        return "a boolean expression"
    if isinstance(node, String):
        return "a string, and Sumo has no string operators"
    if isinstance(node, Call) and FUNCTIONS[node.function].result == TEXT:
        return f"text from `{node.function}`"
    return None
