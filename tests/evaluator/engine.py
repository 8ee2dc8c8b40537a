"""The evaluator: a rule set run over a stream of events, yielding alerts.

Plain rules alert as their events stream past, so memory does not grow with the input;
matches that feed correlations are kept (only those) and the correlation windows are
evaluated when the input ends.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .alerts import Alert
from .correlations import (
    Occurrence,
    evaluate_correlation,
    occurrence_of_alert,
    occurrence_of_event,
)
from .dispatch import RuleIndex
from .errors import EventError
from .event import Event
from .loading import EventReader, Progress
from .prefilter import LinePrefilter
from .rules import Detection, RuleSet, load_rules
from .timestamps import TIME_FIELDS, event_time

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Feed:
    """A detection's matches going into a correlation."""

    correlation: str
    input_key: str


class Evaluator:
    """Runs one rule set; each call to `run` is independent of the previous ones."""

    def __init__(self, rules: RuleSet, time_fields: Sequence[str] = TIME_FIELDS) -> None:
        self.rules = rules
        self.time_fields = tuple(time_fields)
        self.index: RuleIndex[Detection] = RuleIndex(
            [(d.constraint, d) for d in rules.detections])
        self._feeds: dict[str, list[Feed]] = {}
        for correlation in rules.correlations:
            for key in correlation.inputs:
                self._feeds.setdefault(key, []).append(Feed(correlation.info.key, key))

    def prefilter(self) -> LinePrefilter:
        """A raw-line prefilter for JSON Lines input, sound for this rule set."""
        return LinePrefilter([d.requirement for d in self.rules.detections])

    def run(self, events: Iterable[Event]) -> Iterator[Alert]:
        """Plain-rule alerts as they occur, then every correlation alert."""
        collected: dict[str, list[Occurrence]] = {c.info.key: [] for c in self.rules.correlations}
        index = self.index
        feeds = self._feeds

        for event in events:
            for detection in index.candidates(event):
                if not detection.matcher(event):
                    continue
                feeding = feeds.get(detection.info.key)
                time = self._time(event, detection, required=bool(feeding))
                if detection.alerts:
                    yield Alert(detection.info, (event,), time, time)
                for feed in feeding or ():
                    assert time is not None
                    collected[feed.correlation].append(
                        occurrence_of_event(event, time, feed.input_key))

        yield from self._correlate(collected)

    def _time(self, event: Event, detection: Detection, required: bool) -> int | None:
        time = event_time(event.fields, self.time_fields)
        if time is None and required:
            raise EventError(
                event.source,
                f"matches {detection.info.label()}, which a correlation counts, but has no "
                f"readable time in any of {', '.join(self.time_fields)}",
            )
        return time

    def _correlate(self, collected: dict[str, list[Occurrence]]) -> Iterator[Alert]:
        for correlation in self.rules.correlations:
            alerts = evaluate_correlation(correlation, collected[correlation.info.key])
            logger.info("%s: %d alerts from %d matches", correlation.info.label(), len(alerts),
                        len(collected[correlation.info.key]))
            for feed in self._feeds.get(correlation.info.key, ()):
                collected[feed.correlation].extend(
                    occurrence_of_alert(alert, feed.input_key) for alert in alerts)
            if correlation.alerts:
                yield from alerts


def evaluate_file(
    rules: RuleSet | str | Path,
    events_path: str | Path,
    strict: bool = False,
    progress: Progress | None = None,
    time_fields: Sequence[str] = TIME_FIELDS,
) -> list[Alert]:
    """Every alert a rule set (or rule folder) raises on one events file."""
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    evaluator = Evaluator(ruleset, time_fields)
    reader = EventReader(events_path, evaluator.prefilter(), strict=strict, progress=progress)
    alerts = list(evaluator.run(reader))
    logger.info("%s: %d records, %d parsed, %d alerts", events_path, reader.records,
                reader.parsed, len(alerts))
    return alerts
