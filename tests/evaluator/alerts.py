"""What an alert says: the rule that raised it, the events that made it, their times, the group."""
from __future__ import annotations

from dataclasses import dataclass

from .event import Event


@dataclass(frozen=True)
class RuleInfo:
    """The identity of a rule as an alert and an error message name it."""

    title: str
    id: str | None
    name: str | None
    level: str | None
    path: str
    key: str
    """Unique within one rule set: the id, else the name, else file and position."""

    def label(self) -> str:
        """Title and id, the way a reviewer recognises the rule."""
        return f"{self.title} ({self.id})" if self.id else self.title


@dataclass(frozen=True)
class Alert:
    """One hit: a plain rule matching one event, or a correlation window meeting its condition.

    `first` and `last` are epoch microseconds (None when a plain rule's event has no readable
    time). `group` pairs each group-by field with its value; `metric` is the correlation's
    measured count, sum, average or percentile.
    """

    rule: RuleInfo
    events: tuple[Event, ...]
    first: int | None
    last: int | None
    group: tuple[tuple[str, str], ...] = ()
    metric: float | None = None

    def group_dict(self) -> dict[str, str]:
        """The group as a mapping from field to value."""
        return dict(self.group)
