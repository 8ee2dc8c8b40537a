"""The shape every compiled test has, a predicate over one event, and how tests combine."""
from __future__ import annotations

from collections.abc import Callable

from .event import Event

Matcher = Callable[[Event], bool]


def all_of(matchers: list[Matcher]) -> Matcher:
    """True when every matcher is, tested left to right and stopping at the first miss."""
    if len(matchers) == 1:
        return matchers[0]
    if len(matchers) == 2:
        first, second = matchers
        return lambda event: first(event) and second(event)

    def every(event: Event) -> bool:
        for matcher in matchers:
            if not matcher(event):
                return False
        return True

    return every


def any_of(matchers: list[Matcher]) -> Matcher:
    """True when one matcher is, tested left to right and stopping at the first hit."""
    if len(matchers) == 1:
        return matchers[0]
    if len(matchers) == 2:
        first, second = matchers
        return lambda event: first(event) or second(event)

    def some(event: Event) -> bool:
        for matcher in matchers:
            if matcher(event):
                return True
        return False

    return some
