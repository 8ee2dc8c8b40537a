"""The functions and aggregates the checker knows, with the number of arguments each takes."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Function:
    """A function allowed in expressions: its arity and whether it yields a boolean."""

    min_args: int
    max_args: int | None
    boolean: bool


FUNCTIONS: dict[str, Function] = {
    "isNull": Function(1, 1, True),
    "isEmpty": Function(1, 1, True),
    "isBlank": Function(1, 1, True),
    "isPrivateIP": Function(1, 1, True),
    "isPublicIP": Function(1, 1, True),
    "isValidIP": Function(1, 1, True),
    "compareCIDRPrefix": Function(3, 3, True),
    "contains": Function(2, 2, True),
    "getCIDRPrefix": Function(2, 2, False),
    "maskFromCIDR": Function(1, 1, False),
    "toLowerCase": Function(1, 1, False),
    "toUpperCase": Function(1, 1, False),
    "num": Function(1, 1, False),
    "toLong": Function(1, 1, False),
    "round": Function(1, 2, False),
    "formatDate": Function(1, 3, False),
    "if": Function(3, 3, False),
}

# Aggregates of a grouping stage: the fewest and most arguments each takes.
AGGREGATES: dict[str, tuple[int, int | None]] = {
    "count": (0, 1),
    "count_distinct": (1, 1),
    "min": (1, 1),
    "max": (1, 1),
    "sum": (1, 1),
    "avg": (1, 1),
    "pct": (2, None),
}


def arity(low: int, high: int | None) -> str:
    """How many arguments a function takes, as error messages say it."""
    if high is None:
        return f"at least {low} arguments"
    if low == high:
        return f"{low} argument{'s' if low != 1 else ''}"
    return f"{low} to {high} arguments"
