"""Typed errors of the evaluator, each naming where the problem is."""
from __future__ import annotations

from dataclasses import dataclass


class EvaluatorError(Exception):
    """Base class of every error the evaluator raises on purpose."""


@dataclass(frozen=True)
class EventSource:
    """Where an event came from: a file and a line (or record number, or array index)."""

    path: str
    line: int
    unit: str = "line"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.unit == "line" else (
            f"{self.path} {self.unit} {self.line}"
        )


class RuleError(EvaluatorError):
    """A rule file, or one rule in it, that cannot be evaluated."""

    def __init__(self, path: str, rule: str | None, cause: str) -> None:
        self.path = path
        self.rule = rule
        self.cause = cause
        where = f"{path}: rule {rule!r}" if rule else path
        super().__init__(f"{where}: {cause}")


class EventError(EvaluatorError):
    """An input event that cannot be read or used."""

    def __init__(self, source: EventSource, cause: str) -> None:
        self.source = source
        self.cause = cause
        super().__init__(f"{source}: {cause}")
