"""A Sigma rule evaluator for Sysmon events, used by the tests as proof that rules fire.

    from tests.evaluator import load_rules, evaluate_file
    rules = load_rules("sigma_rules")          # pySigma parsing + the processing pipeline
    for alert in evaluate_file(rules, "events.jsonl"):
        print(alert.rule.title, alert.first, alert.group, len(alert.events))

`Evaluator(rules).run(events)` streams alerts from any iterable of `Event`; `EventReader`
reads JSON Lines, JSON arrays and `.evtx` files into events.
"""
from .alerts import Alert, RuleInfo
from .engine import Evaluator, evaluate_file
from .errors import EvaluatorError, EventError, EventSource, RuleError
from .event import Event
from .loading import EventReader
from .rules import RuleSet, load_rules

__all__ = [
    "Alert",
    "Event",
    "EventError",
    "EventReader",
    "EventSource",
    "Evaluator",
    "EvaluatorError",
    "RuleError",
    "RuleInfo",
    "RuleSet",
    "evaluate_file",
    "load_rules",
]
