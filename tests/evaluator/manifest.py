"""Fixture manifests: which rules must alert on a fixture's events, how often or for which
groups, and that every other rule of the folder stays silent.

    description: what these events are and why they matter
    source: synthetic, written for this project   # or the attribution of real recordings
    rules: sigma_rules                            # rule folder relative to the repository root
    expect:
      6f1a4d0c-...:                               # a plain rule: exact number of alerts
        alerts: 2
      0b9e...:                                    # a correlation: groups that must alert
        groups:
          - {Computer: WS01.corp.example, Image: 'C:\\Windows\\System32\\rundll32.exe'}
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .alerts import Alert, RuleInfo
from .errors import EvaluatorError
from .event import fold_case

EVENT_FILES: tuple[str, ...] = ("events.jsonl", "events.json", "events.evtx")
SHOWN_EVENTS = 3


class ManifestError(EvaluatorError):
    """A manifest that does not follow the format."""

    def __init__(self, path: Path, cause: str) -> None:
        self.path = path
        super().__init__(f"{path}: {cause}")


@dataclass(frozen=True)
class Expectation:
    """What one rule must do on the fixture: an exact alert count, or groups that alert."""

    alerts: int | None = None
    groups: tuple[tuple[tuple[str, str], ...], ...] | None = None


@dataclass(frozen=True)
class Manifest:
    """A fixture folder's manifest, with its events file found."""

    folder: Path
    description: str
    source: str
    rules: str
    events: Path
    expect: dict[str, Expectation]

    @property
    def name(self) -> str:
        """The fixture's name: its folder's."""
        return self.folder.name


def load_manifest(path: Path) -> Manifest:
    """A manifest from its YAML file, checked against the format."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ManifestError(path, f"cannot be read: {error}") from error
    if not isinstance(data, dict):
        raise ManifestError(path, "must be a mapping")
    for key in ("description", "source", "rules"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ManifestError(path, f"needs a non-empty `{key}`")

    found = [path.parent / name for name in EVENT_FILES if (path.parent / name).exists()]
    if len(found) != 1:
        raise ManifestError(path, f"its folder must hold exactly one of {', '.join(EVENT_FILES)}")

    expect = {}
    for rule_id, spec in (data.get("expect") or {}).items():
        expect[str(rule_id)] = _expectation(path, str(rule_id), spec)
    return Manifest(path.parent, data["description"], data["source"], data["rules"], found[0],
                    expect)


def _expectation(path: Path, rule_id: str, spec: Any) -> Expectation:
    if not isinstance(spec, dict) or len(spec) != 1 or not ({"alerts", "groups"} & spec.keys()):
        raise ManifestError(path, f"{rule_id}: give exactly one of `alerts` or `groups`")
    if "alerts" in spec:
        if not isinstance(spec["alerts"], int) or spec["alerts"] < 0:
            raise ManifestError(path, f"{rule_id}: `alerts` must be a count")
        return Expectation(alerts=spec["alerts"])
    groups = spec["groups"]
    if not isinstance(groups, list) or not groups or not all(isinstance(g, dict) for g in groups):
        raise ManifestError(path, f"{rule_id}: `groups` must be a list of field mappings")
    return Expectation(groups=tuple(tuple(sorted((str(k), str(v)) for k, v in g.items()))
                                    for g in groups))


def expectation_for(manifest: Manifest, rule: RuleInfo) -> Expectation:
    """The rule's expectation; a rule the manifest does not list must not alert."""
    for key in (rule.id, rule.name, rule.key):
        if key and key in manifest.expect:
            return manifest.expect[key]
    return Expectation(alerts=0)


def check(manifest: Manifest, rule: RuleInfo, alerts: Sequence[Alert]) -> str | None:
    """Why the rule's alerts on the fixture break the manifest, or None if they do not."""
    expected = expectation_for(manifest, rule)
    mine = [a for a in alerts if a.rule.key == rule.key]

    if expected.groups is None:
        if len(mine) == expected.alerts:
            return None
        return _report(manifest, rule, f"{expected.alerts} alerts", f"{len(mine)} alerts", mine)

    wanted = {_group_key(g) for g in expected.groups}
    seen: dict[tuple[tuple[str, str], ...], list[Alert]] = {}
    for alert in mine:
        seen.setdefault(_group_key(alert.group), []).append(alert)
    missing = [g for g in expected.groups if _group_key(g) not in seen]
    extra = [alerts_of for key, alerts_of in seen.items() if key not in wanted]
    if not missing and not extra:
        return None
    actual = sorted(repr(dict(a[0].group)) for a in seen.values()) or ["no alerts"]
    involved = [a for alerts_of in extra for a in alerts_of] or mine
    return _report(manifest, rule, f"alerts for groups {[dict(g) for g in expected.groups]}",
                   f"alerts for groups {', '.join(actual)}", involved)


def _group_key(group: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, fold_case(str(value))) for name, value in group))


def _report(manifest: Manifest, rule: RuleInfo, expected: str, actual: str,
            involved: Sequence[Alert]) -> str:
    lines = [
        f"rule:     {rule.label()} [{rule.path}]",
        f"fixture:  {manifest.name} ({manifest.events})",
        f"expected: {expected}",
        f"actual:   {actual}",
    ]
    events = [event for alert in involved for event in alert.events][:SHOWN_EVENTS]
    if events:
        lines.append("first events involved:")
        lines.extend(f"  {event.source}: {json.dumps(event.fields, default=str)}"
                     for event in events)
    return "\n".join(lines)
