"""The functions and aggregates the checker knows, with the arguments and result of each."""
from dataclasses import dataclass

# What a function yields: a condition, a number, text, or whatever its arguments give.
BOOLEAN = "boolean"
NUMBER = "number"
TEXT = "text"
ANY = "any"


@dataclass(frozen=True)
class Function:
    """A function allowed in expressions: its arity and the kind of value it yields."""

    min_args: int
    max_args: int | None
    result: str


FUNCTIONS: dict[str, Function] = {
    "isNull": Function(1, 1, BOOLEAN),
    "isEmpty": Function(1, 1, BOOLEAN),
    "isBlank": Function(1, 1, BOOLEAN),
    "isPrivateIP": Function(1, 1, BOOLEAN),
    "isPublicIP": Function(1, 1, BOOLEAN),
    "isValidIP": Function(1, 1, BOOLEAN),
    "compareCIDRPrefix": Function(3, 3, BOOLEAN),
    "contains": Function(2, 2, BOOLEAN),
    "getCIDRPrefix": Function(2, 2, TEXT),
    "maskFromCIDR": Function(1, 1, TEXT),
    "toLowerCase": Function(1, 1, TEXT),
    "toUpperCase": Function(1, 1, TEXT),
    "num": Function(1, 1, NUMBER),
    "toLong": Function(1, 1, NUMBER),
    "round": Function(1, 2, NUMBER),
    # The larger of two numbers. Outside a grouping stage `max` is this, not the aggregate.
    "max": Function(2, 2, NUMBER),
    "formatDate": Function(1, 3, TEXT),
    "if": Function(3, 3, ANY),
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
