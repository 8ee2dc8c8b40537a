"""Boolean expressions of a Sumo `where` stage, and their text with explicit grouping."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Atom:
    """A predicate that needs no parentheses: a comparison, a `matches` or a function call."""

    text: str


@dataclass(frozen=True)
class Junction:
    """Parts joined by `and` or `or`.

    Its hash is computed once: junctions are deduplicated by value at every level of nesting,
    which would otherwise hash each subtree again for every junction around it.
    """

    operator: str
    parts: tuple["Expression", ...]
    cached_hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cached_hash", hash((self.operator, self.parts)))

    def __hash__(self) -> int:
        return self.cached_hash


@dataclass(frozen=True)
class Negation:
    """The negation `!(...)` of an expression; its hash is computed once, as a Junction's."""

    inner: "Expression"
    cached_hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cached_hash", hash(("not", self.inner)))

    def __hash__(self) -> int:
        return self.cached_hash


Expression = Atom | Junction | Negation


def conjunction(parts: list[Expression]) -> Expression:
    """All parts; nested conjunctions are merged and repeated atoms kept once."""
    return _junction("and", parts)


def disjunction(parts: list[Expression]) -> Expression:
    """Any of the parts; nested disjunctions are merged and repeated atoms kept once."""
    return _junction("or", parts)


def _junction(operator: str, parts: list[Expression]) -> Expression:
    """A junction of the parts, flattened, or the only part itself."""
    if len(parts) == 1:
        # A junction's parts are already flat and distinct, so one part stands for itself.
        return parts[0]

    kept: dict[Expression, None] = {}
    for part in parts:
        if type(part) is Junction and part.operator == operator:
            for member in part.parts:
                kept[member] = None
        else:
            kept[part] = None
    flat = tuple(kept)
    if not flat:
        raise ValueError(f"an '{operator}' needs at least one part")
    return flat[0] if len(flat) == 1 else Junction(operator, flat)


def render(expression: Expression) -> str:
    """The text of an expression.

    Every junction inside another junction and every negated expression is parenthesized, so
    the text never depends on the precedence of `and` over `or`.
    """
    if isinstance(expression, Atom):
        return expression.text
    if isinstance(expression, Negation):
        inner = expression.inner
        if isinstance(inner, Atom) and inner.text.startswith("isNull("):
            return "!" + inner.text
        return "!(" + render(inner) + ")"
    texts = [
        f"({render(part)})" if isinstance(part, Junction) else render(part)
        for part in expression.parts
    ]
    return f" {expression.operator} ".join(texts)
