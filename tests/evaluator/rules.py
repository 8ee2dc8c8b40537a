"""Loading rules: files to pySigma rules, through the processing pipeline, to compiled tests.

A broken file or rule is reported as a `RuleError` naming the file, the rule and the cause,
and the other rules are still loaded. A rule whose log source names a product other than
the ones evaluated (Windows by default) is skipped with its reason, since no event here can
match it.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError, SigmaRuleLocation, SigmaRuleNotFoundError
from sigma.filters import SigmaFilter
from sigma.rule import SigmaRule

from .alerts import RuleInfo
from .conditions import compile_condition
from .correlations import Correlation, compile_correlation
from .dispatch import Constraint, constraint_of
from .errors import RuleError
from .literals import Requirement, either, requirement
from .matchers import Matcher, any_of
from .pipelines import DEFAULT_PIPELINES, resolve_pipeline
from .values import Placeholders, ValueCompileError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Detection:
    """A plain rule, compiled: its test, what its events must carry, and whether it alerts."""

    info: RuleInfo
    matcher: Matcher
    constraint: Constraint
    requirement: Requirement
    alerts: bool


@dataclass(frozen=True)
class SkippedRule:
    """A rule left out on purpose, and why."""

    info: RuleInfo
    reason: str


@dataclass(frozen=True)
class RuleSet:
    """Everything loaded from a rule folder, ready to evaluate."""

    detections: tuple[Detection, ...]
    correlations: tuple[Correlation, ...]
    errors: tuple[RuleError, ...] = ()
    skipped: tuple[SkippedRule, ...] = ()


def rule_files(paths: Iterable[str | Path]) -> list[Path]:
    """The YAML files under the given files and folders, in a stable order."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml")))
        else:
            files.append(path)
    return files


def load_rules(
    paths: Iterable[str | Path] | str | Path,
    pipelines: Sequence[str] = DEFAULT_PIPELINES,
    placeholders: Placeholders | None = None,
    products: Sequence[str] = ("windows",),
) -> RuleSet:
    """Parse, process and compile every rule under `paths`."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    return load_rule_texts([(path, None) for path in rule_files(paths)], pipelines,
                           placeholders, products)


def load_rule_texts(
    sources: Sequence[tuple[Path, str | None]],
    pipelines: Sequence[str] = DEFAULT_PIPELINES,
    placeholders: Placeholders | None = None,
    products: Sequence[str] = ("windows",),
) -> RuleSet:
    """Like `load_rules`, from (path, text) pairs; a None text is read from the path."""
    placeholders = placeholders or {}
    pipeline = resolve_pipeline(pipelines)
    errors: list[RuleError] = []

    parsed: list[tuple[SigmaRule | SigmaCorrelationRule, RuleInfo]] = []
    filters: list[tuple[SigmaFilter, Path]] = []
    seen_keys: set[str] = set()
    for path, text in sources:
        rules, file_filters, file_errors = _read_file(path, text)
        errors.extend(file_errors)
        filters.extend((f, path) for f in file_filters)
        for index, rule in enumerate(rules):
            info = rule_info(rule, path, index)
            if info.key in seen_keys:
                errors.append(RuleError(str(path), info.label(), "duplicate rule id or name"))
                continue
            seen_keys.add(info.key)
            parsed.append((rule, info))

    parsed = _apply_filters(parsed, filters, errors)
    parsed = _resolve_references(parsed, errors)
    silent = _silent_rules(parsed)

    processed = []
    for rule, info in parsed:
        try:
            pipeline.apply(rule)
        except SigmaError as error:
            errors.append(RuleError(info.path, info.label(),
                                    f"processing pipeline: {_cause(error)}"))
            continue
        processed.append((rule, info))

    return _compile_all(processed, silent, placeholders, products, errors)


def rule_info(rule: SigmaRule | SigmaCorrelationRule | SigmaFilter, path: Path,
              index: int) -> RuleInfo:
    """How a rule is named in alerts and errors."""
    rule_id = str(rule.id) if rule.id else None
    level = rule.level.name.lower() if rule.level else None
    key = rule_id or rule.name or f"{path}#{index + 1}"
    return RuleInfo(rule.title or f"rule {index + 1}", rule_id, rule.name, level, str(path), key)


def _read_file(path: Path, text: str | None
               ) -> tuple[list[Any], list[SigmaFilter], list[RuleError]]:
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
        collection = SigmaCollection.from_yaml(
            text, collect_errors=True, source=SigmaRuleLocation(path),
            collect_filters=True, resolve_references=False,
        )
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return [], [], [RuleError(str(path), None, f"cannot be read as YAML: {error}")]
    except SigmaError as error:
        return [], [], [RuleError(str(path), None, _cause(error))]

    errors = [RuleError(str(path), None, _cause(e)) for e in collection.errors
              if not any(e in r.errors for r in collection.rules)]
    rules = []
    for index, rule in enumerate(collection.rules):
        if rule.errors:
            label = rule_info(rule, path, index).label()
            errors.append(RuleError(str(path), label, "; ".join(_cause(e) for e in rule.errors)))
        else:
            rules.append(rule)
    for rule_filter in collection.filters:
        if rule_filter.errors:
            errors.append(RuleError(str(path), rule_filter.title,
                                    "; ".join(_cause(e) for e in rule_filter.errors)))
    return rules, [f for f in collection.filters if not f.errors], errors


def _cause(error: Exception) -> str:
    return str(error.args[0]) if error.args else type(error).__name__


def _apply_filters(parsed: list[tuple[Any, RuleInfo]], filters: list[tuple[SigmaFilter, Path]],
                   errors: list[RuleError]) -> list[tuple[Any, RuleInfo]]:
    result = []
    for rule, info in parsed:
        try:
            for rule_filter, _path in filters:
                rule = rule_filter.apply_on_rule(rule)
        except SigmaError as error:
            errors.append(RuleError(info.path, info.label(), f"filter: {_cause(error)}"))
            continue
        result.append((rule, info))
    return result


def _resolve_references(parsed: list[tuple[Any, RuleInfo]],
                        errors: list[RuleError]) -> list[tuple[Any, RuleInfo]]:
    collection = SigmaCollection([rule for rule, _ in parsed], resolve_references=False)
    broken: set[int] = set()
    for rule, info in parsed:
        if not isinstance(rule, SigmaCorrelationRule):
            continue
        try:
            rule.resolve_rule_references(collection)
        except SigmaRuleNotFoundError as error:
            errors.append(RuleError(info.path, info.label(),
                                    f"{_cause(error)} (missing, or not loaded because of an "
                                    "error reported above)"))
            broken.add(id(rule))
        except SigmaError as error:
            errors.append(RuleError(info.path, info.label(), _cause(error)))
            broken.add(id(rule))

    changed = True
    while changed:
        changed = False
        for rule, info in parsed:
            if (isinstance(rule, SigmaCorrelationRule) and id(rule) not in broken
                    and any(id(ref.rule) in broken for ref in rule.referenced_rules)):
                errors.append(RuleError(info.path, info.label(),
                                        "references a correlation that has errors"))
                broken.add(id(rule))
                changed = True
    return [(rule, info) for rule, info in parsed if id(rule) not in broken]


def _silent_rules(parsed: list[tuple[Any, RuleInfo]]) -> set[int]:
    """Rules that only feed a correlation: referenced by one that does not `generate` them."""
    silent = set()
    for rule, _info in parsed:
        if isinstance(rule, SigmaCorrelationRule) and not rule.generate:
            silent.update(id(ref.rule) for ref in rule.referenced_rules)
    return silent


def _compile_all(processed: list[tuple[Any, RuleInfo]], silent: set[int],
                 placeholders: Placeholders, products: Sequence[str],
                 errors: list[RuleError]) -> RuleSet:
    detections: list[Detection] = []
    correlations: list[Correlation] = []
    skipped: list[SkippedRule] = []
    keys: dict[int, str] = {}
    wanted = {p.lower() for p in products}

    for rule, info in processed:
        if isinstance(rule, SigmaCorrelationRule):
            continue
        product = (rule.logsource.product or "").lower()
        if product and product not in wanted:
            skipped.append(SkippedRule(info, f"log source product {product!r} is not evaluated"))
            continue
        try:
            detections.append(compile_detection(rule, info, placeholders, id(rule) not in silent))
        except (ValueCompileError, SigmaError) as error:
            errors.append(RuleError(info.path, info.label(), _cause(error)))
            continue
        keys[id(rule)] = info.key

    pending = {id(rule): (rule, info) for rule, info in processed
               if isinstance(rule, SigmaCorrelationRule)}
    while pending:
        ready = [key for key, (rule, _info) in pending.items()
                 if all(id(ref.rule) not in pending for ref in rule.referenced_rules)]
        if not ready:
            for rule, info in pending.values():
                errors.append(RuleError(info.path, info.label(), "circular correlation references"))
            break
        for key in ready:
            rule, info = pending.pop(key)
            missing = [ref.reference for ref in rule.referenced_rules if id(ref.rule) not in keys]
            if missing:
                skipped.append(SkippedRule(info, "references rules that are not evaluated: "
                                           + ", ".join(missing)))
                continue
            try:
                correlations.append(compile_correlation(
                    rule, info, [keys[id(ref.rule)] for ref in rule.referenced_rules],
                    [ref.rule for ref in rule.referenced_rules], id(rule) not in silent,
                ))
            except (ValueError, SigmaError) as error:
                errors.append(RuleError(info.path, info.label(), _cause(error)))
                continue
            keys[id(rule)] = info.key

    for error in errors:
        logger.warning("%s", error)
    for skip in skipped:
        logger.info("skipped %s: %s", skip.info.label(), skip.reason)
    return RuleSet(tuple(detections), tuple(correlations), tuple(errors), tuple(skipped))


def compile_detection(rule: SigmaRule, info: RuleInfo, placeholders: Placeholders,
                      alerts: bool) -> Detection:
    """A plain rule's conditions (ORed when several) compiled once."""
    trees = [condition.parsed for condition in rule.detection.parsed_condition]
    matcher = any_of([compile_condition(tree, placeholders) for tree in trees])
    needs = either([requirement(tree, placeholders) for tree in trees])
    return Detection(info, matcher, constraint_of(trees), needs, alerts)

