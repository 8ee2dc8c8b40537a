"""Rules and events written inline, as the evaluator's own tests and rule authors write them."""
from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .alerts import Alert
from .engine import Evaluator
from .errors import EventSource
from .event import Event
from .pipelines import DEFAULT_PIPELINES
from .rules import RuleSet, load_rule_texts
from .values import Placeholders

INLINE = Path("<inline>")


def rule_yaml(detection: str, logsource: str = "product: windows", title: str = "Test rule",
              extra: str = "") -> str:
    """A complete rule document around a `detection:` body."""
    body = textwrap.indent(textwrap.dedent(detection).strip("\n"), "    ")
    source = textwrap.indent(textwrap.dedent(logsource).strip("\n"), "    ")
    return f"title: {title}\nlogsource:\n{source}\ndetection:\n{body}\n{textwrap.dedent(extra)}"


def compile_text(text: str, pipelines: Sequence[str] = DEFAULT_PIPELINES,
                 placeholders: Placeholders | None = None) -> RuleSet:
    """Rules from YAML text, failing loudly if any of them has an error."""
    ruleset = load_rule_texts([(INLINE, textwrap.dedent(text))], pipelines, placeholders)
    if ruleset.errors:
        raise ruleset.errors[0]
    return ruleset


def events_of(records: Sequence[dict[str, Any]]) -> list[Event]:
    """Events from plain dicts, numbered from 1."""
    return [Event(dict(fields), EventSource("<inline>", number))
            for number, fields in enumerate(records, 1)]


def run(text: str, records: Sequence[dict[str, Any]], **options: Any) -> list[Alert]:
    """Every alert the rules in `text` raise on `records`."""
    return list(Evaluator(compile_text(text, **options)).run(events_of(records)))


def matches(detection: str, record: dict[str, Any], logsource: str = "product: windows",
            **options: Any) -> bool:
    """Whether a one-rule detection matches one event."""
    return bool(run(rule_yaml(detection, logsource), [record], **options))
