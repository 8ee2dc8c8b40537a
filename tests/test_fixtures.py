"""Every fixture against every rule of the folder its manifest names: one test per pair.

A rule listed in the manifest must raise exactly the alerts (or groups) listed; every other
rule of the folder must stay silent. A failure prints the rule, the fixture, expected against
actual, and the first events involved.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from tests.evaluator import Alert, RuleSet, evaluate_file, load_rules
from tests.evaluator.manifest import EVENT_FILES, ManifestError, check, load_manifest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@lru_cache(maxsize=None)
def rules_in(folder: str) -> RuleSet:
    return load_rules(ROOT / folder)


@lru_cache(maxsize=None)
def alerts_on(manifest_path: Path) -> tuple[Alert, ...]:
    manifest = load_manifest(manifest_path)
    return tuple(evaluate_file(rules_in(manifest.rules), manifest.events))


def manifests() -> list[Path]:
    return sorted(FIXTURES.glob("*/manifest.yml"))


def cases() -> list:
    params = []
    for path in manifests():
        try:
            manifest = load_manifest(path)
        except ManifestError:
            params.append(pytest.param(path, None, id=f"{path.parent.name}::manifest"))
            continue
        ruleset = rules_in(manifest.rules)
        alerting = [c.info for c in ruleset.correlations if c.alerts]
        alerting += [d.info for d in ruleset.detections if d.alerts]
        for info in alerting:
            params.append(pytest.param(path, info.key, id=f"{manifest.name}::{info.title}"))
        known = {k for info in alerting for k in (info.id, info.name, info.key) if k}
        for listed in manifest.expect:
            if listed not in known:
                params.append(pytest.param(path, listed, id=f"{manifest.name}::{listed}"))
    return params


@pytest.mark.parametrize("manifest_path, rule_key", cases())
def test_fixture_against_rule(manifest_path: Path, rule_key: str | None) -> None:
    manifest = load_manifest(manifest_path)
    ruleset = rules_in(manifest.rules)
    alerting = {info.key: info for info in
                [c.info for c in ruleset.correlations if c.alerts]
                + [d.info for d in ruleset.detections if d.alerts]}
    by_any_name = {k: info for info in alerting.values()
                   for k in (info.id, info.name, info.key) if k}
    if rule_key not in by_any_name:
        pytest.fail(f"fixture {manifest.name}: the manifest expects rule {rule_key}, which is "
                    f"not an alerting rule of {manifest.rules}")
    problem = check(manifest, by_any_name[rule_key], alerts_on(manifest_path))
    if problem:
        pytest.fail(problem, pytrace=False)


def rule_folders() -> list[str]:
    folders = set()
    for path in manifests():
        try:
            folders.add(load_manifest(path).rules)
        except ManifestError:
            continue
    return sorted(folders)


@pytest.mark.parametrize("folder", rule_folders())
def test_rule_folder_named_by_a_manifest_loads_without_errors(folder: str) -> None:
    ruleset = rules_in(folder)
    assert [str(e) for e in ruleset.errors] == []
    assert [f"{s.info.label()}: {s.reason}" for s in ruleset.skipped] == []


def test_every_folder_with_events_has_a_manifest() -> None:
    with_events = {p.parent for name in EVENT_FILES for p in FIXTURES.glob(f"*/{name}")}
    assert sorted(f.name for f in with_events if not (f / "manifest.yml").exists()) == []
