"""The evaluator against pySigma's SQLite backend, which executes rules in SQLite.

For every rule the backend can express, on the events of every fixture, both find the same
events: the same matching events for a plain rule, the same alert points (group and window
end) and evidence for a correlation. The rules it cannot take are listed with the reason,
and `test_rules_the_backend_cannot_take` pins that list. So are rules it converts into a query
that means something else: a `|cidr` on an IPv6 network whose patterns hold `::` becomes a
text match on the compressed spelling, which Sysmon's zero-filled spelling never equals.
"""
from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from sigma.backends.sqlite import sqliteBackend
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError
from sigma.rule import SigmaDetection
from sigma.types import SigmaCIDRExpression

from tests.evaluator import Evaluator, EventReader, load_rules
from tests.evaluator.event import Event, JsonFloat, fold_case
from tests.evaluator.manifest import load_manifest
from tests.evaluator.pipelines import DEFAULT_PIPELINES, resolve_pipeline
from tests.evaluator.rules import rule_files
from tests.evaluator.testing import run

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROW = "_crosscheck_row"

IPV6_CIDR = ("the backend matches `|cidr` on IPv6 network {network} as text against the "
             "network's compressed spelling ({patterns}), so other spellings of an address in "
             "it, such as Sysmon's 0:0:0:0:0:0:0:1 for ::1, are missed")
LOOPBACK_V6 = IPV6_CIDR.format(network="::1/128", patterns="'::1'")

# Rules of the folders below that the backend cannot express, and why.
EXPECTED_UNSUPPORTED = {
    "Keyword Search": "Value-only string expressions (i.e Full Text Search or 'keywords' "
                      "search) are not supported by the backend.",
    "Outbound Connection To Public Address From Non-Browser Process": LOOPBACK_V6,
    "Beaconing To Public Address From Non-Browser Process":
        f"references net_connection_win_non_browser_public_outbound: {LOOPBACK_V6}",
    "Suspicious Host Process Connecting To TLS Or Alternate HTTP Port": LOOPBACK_V6,
    "Repeated TLS Port Connections From Suspicious Host Process":
        f"references net_connection_win_susp_host_process_tls_port: {LOOPBACK_V6}",
}


def rule_folders() -> list[Path]:
    folders = {FIXTURES / "crosscheck_rules"}
    folders.update(ROOT / load_manifest(p).rules for p in FIXTURES.glob("*/manifest.yml"))
    if (ROOT / "sigma_rules").is_dir():
        folders.add(ROOT / "sigma_rules")
    return sorted(folder for folder in folders if rule_files([folder]))


def fixture_event_files() -> list[Path]:
    return sorted(load_manifest(p).events for p in FIXTURES.glob("*/manifest.yml"))


@dataclass(frozen=True)
class Converted:
    """A rule as the SQLite backend renders it, or why it cannot."""

    title: str
    key: str
    queries: tuple[str, ...]
    correlation: bool
    reason: str | None = None


@lru_cache(maxsize=None)
def converted(folder: Path) -> tuple[Converted, ...]:
    """Every rule of the folder, converted on its own after the evaluator's pipeline (a
    correlation together with the rules it references)."""
    texts = "\n---\n".join(path.read_text(encoding="utf-8") for path in rule_files([folder]))
    results = []
    rules = SigmaCollection.from_yaml(texts, resolve_references=False).rules
    for rule in rules:
        key = str(rule.id) if rule.id else rule.name or rule.title
        is_correlation = isinstance(rule, SigmaCorrelationRule)
        misread = misread_by_sqlite(rule, rules)
        if misread:
            results.append(Converted(rule.title, key, (), is_correlation, misread))
            continue
        backend = sqliteBackend(processing_pipeline=resolve_pipeline(DEFAULT_PIPELINES),
                                timestamp_field="UtcTime")
        try:
            if is_correlation:
                queries = backend.convert(_with_references(texts, key))
            else:
                queries = backend.convert(SigmaCollection([_fresh(texts, key)]))
        except SigmaError as error:
            results.append(Converted(rule.title, key, (), is_correlation, str(error.args[0])))
            continue
        results.append(Converted(rule.title, key, tuple(queries), is_correlation))
    for item in results:
        if item.reason:
            logger.warning("SQLite backend cannot take %s: %s", item.title, item.reason)
    return tuple(results)


def misread_by_sqlite(rule: Any, rules: Sequence[Any]) -> str | None:
    """Why the backend's query for `rule` would not find what the rule means, though it
    converts: a `|cidr` on an IPv6 network expanded to a pattern holding `::`, in the rule
    or in a rule it references."""
    if isinstance(rule, SigmaCorrelationRule):
        by_reference = {ref: r for r in rules for ref in (r.name, str(r.id) if r.id else None)
                        if ref}
        for reference in rule.rules or ():
            why = misread_by_sqlite(by_reference[reference.reference], rules)
            if why:
                return f"references {reference.reference}: {why}"
        return None

    for network in ipv6_cidr_networks(rule.detection.detections.values()):
        compressed = [p for p in SigmaCIDRExpression(str(network)).expand() if "::" in p]
        if compressed:
            patterns = ", ".join(f"'{p.replace('*', '%')}'" for p in compressed)
            return IPV6_CIDR.format(network=network, patterns=patterns)
    return None


def ipv6_cidr_networks(detections: Iterable[Any]) -> Iterator[Any]:
    """The IPv6 networks of every `|cidr` value in these detections, nested ones included."""
    for detection in detections:
        for item in detection.detection_items:
            if isinstance(item, SigmaDetection):
                yield from ipv6_cidr_networks([item])
                continue
            for value in item.value:
                if isinstance(value, SigmaCIDRExpression) and value.network.version == 6:
                    yield value.network


def _key(rule: Any) -> str:
    return str(rule.id) if rule.id else rule.name or rule.title


def _fresh(texts: str, key: str) -> Any:
    """A newly parsed copy of one rule, untouched by any earlier conversion."""
    rules = SigmaCollection.from_yaml(texts, resolve_references=False).rules
    return next(rule for rule in rules if _key(rule) == key)


def _with_references(texts: str, key: str) -> SigmaCollection:
    """A fresh collection of a correlation and every rule it references, directly or not."""
    rules = SigmaCollection.from_yaml(texts, resolve_references=False).rules
    by_reference = {ref: rule for rule in rules
                    for ref in (rule.name, str(rule.id) if rule.id else None) if ref}
    wanted, pending = [], [next(rule for rule in rules if _key(rule) == key)]
    while pending:
        rule = pending.pop()
        if any(rule is w for w in wanted):
            continue
        wanted.append(rule)
        if isinstance(rule, SigmaCorrelationRule):
            pending.extend(by_reference[ref.reference] for ref in rule.rules or ())
    return SigmaCollection(wanted)


@lru_cache(maxsize=None)
def events_of(path: Path) -> tuple[Event, ...]:
    return tuple(EventReader(path, strict=True))


@lru_cache(maxsize=None)
def database(path: Path) -> sqlite3.Connection:
    """The fixture's events in a `logs` table, one column per field, plus their row number."""
    events = events_of(path)
    # SQLite column names ignore case: `ProcessId` and `ProcessID` share one column.
    columns: dict[str, str] = {}
    for event in events:
        for name in event.fields:
            columns.setdefault(name.lower(), name)
    db = sqlite3.connect(":memory:")
    db.create_function("REGEXP", 2, _regexp, deterministic=True)
    kinds = [f'"{c}" INTEGER' if _integer_column(events, c) else f'"{c}" TEXT COLLATE NOCASE'
             for c in columns.values()]
    db.execute(f'CREATE TABLE logs ("{ROW}" INTEGER, {", ".join(kinds)})')
    rows = []
    for i, event in enumerate(events):
        cells = {name.lower(): _cell(value) for name, value in event.fields.items()}
        rows.append([i, *(cells.get(key) for key in columns)])
    db.executemany(f"INSERT INTO logs VALUES ({','.join('?' * (len(columns) + 1))})", rows)
    return db


def _regexp(pattern: str, value: Any) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


def _integer_column(events: tuple[Event, ...], name: str) -> bool:
    values = [v for e in events for k, v in e.fields.items()
              if k.lower() == name.lower() and v is not None]
    return bool(values) and all(
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, str) and v.isdigit() and str(int(v)) == v) for v in values)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, JsonFloat):
        return value.token
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


def execute(db: sqlite3.Connection, query: str) -> list[dict[str, Any]]:
    """The query's rows; a field no event of the fixture has is added as an empty column."""
    while True:
        try:
            cursor = db.execute(query)
        except sqlite3.OperationalError as error:
            missing = re.fullmatch(r"no such column: (.+)", str(error))
            if not missing:
                raise
            db.execute(f'ALTER TABLE logs ADD COLUMN "{missing[1]}" TEXT COLLATE NOCASE')
            continue
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]


def sqlite_rows(path: Path, item: Converted) -> set[int]:
    db = database(path)
    return {row[ROW] for query in item.queries for row in execute(db, query)}


def sqlite_alert_points(path: Path, item: Converted) -> tuple[set[tuple], set[int]]:
    db = database(path)
    (query,) = item.queries
    points, evidence = set(), set()
    for record in execute(db, query):
        group = tuple(sorted((k, fold_case(str(v)))
                             for k, v in json.loads(record["group_keys"]).items()))
        points.add((group, round(record["window_end"] * 1000)))
        rowids = [int(eid.split(":")[1]) for eid in json.loads(record["event_ids"])]
        evidence.update(db.execute(f'SELECT "{ROW}" FROM logs WHERE rowid = ?', (r,)).fetchone()[0]
                        for r in rowids)
    return points, evidence


@lru_cache(maxsize=None)
def evaluator_for(folder: Path) -> Evaluator:
    return Evaluator(load_rules(folder))


def evaluator_rows(path: Path, folder: Path, key: str) -> set[int]:
    evaluator = evaluator_for(folder)
    (detection,) = [d for d in evaluator.rules.detections
                    if key in (d.info.key, d.info.id, d.info.name)]
    events = events_of(path)
    return {i for i, event in enumerate(events)
            if detection in evaluator.index.candidates(event) and detection.matcher(event)}


def evaluator_alert_points(path: Path, folder: Path, key: str) -> tuple[set[tuple], set[int]]:
    events = events_of(path)
    position = {id(e): i for i, e in enumerate(events)}
    alerts = [a for a in evaluator_for(folder).run(events) if a.rule.key == key]
    points = {(tuple(sorted((k, fold_case(v)) for k, v in a.group)), a.last // 1000)
              for a in alerts}
    return points, {position[id(e)] for a in alerts for e in a.events}


def cases() -> list:
    return [pytest.param(folder, item, id=f"{folder.name}::{item.title}")
            for folder in rule_folders() for item in converted(folder) if not item.reason]


@pytest.mark.parametrize("folder, item", cases())
def test_evaluator_and_sqlite_find_the_same_events(folder: Path, item: Converted) -> None:
    differences = []
    for path in fixture_event_files():
        if item.correlation:
            mine, theirs = (evaluator_alert_points(path, folder, item.key),
                            sqlite_alert_points(path, item))
        else:
            mine, theirs = evaluator_rows(path, folder, item.key), sqlite_rows(path, item)
        if mine != theirs:
            differences.append(f"{path.parent.name}: evaluator {_show(mine)} / sqlite "
                               f"{_show(theirs)}")
    assert differences == []


def _show(found: Any) -> str:
    return repr(sorted(found) if isinstance(found, set) else found)[:400]


def test_rules_the_backend_cannot_take() -> None:
    unsupported = {item.title: item.reason for folder in rule_folders()
                   for item in converted(folder) if item.reason}
    for title, reason in sorted(unsupported.items()):
        print(f"SQLite backend cannot take {title!r}: {reason}")
    assert unsupported == EXPECTED_UNSUPPORTED


LOOPBACK_RULE = """
title: IPv6 Loopback Destination
logsource:
    product: windows
    category: network_connection
detection:
    selection:
        DestinationIp|cidr: '::1/128'
    condition: selection
"""


def test_sqlite_reads_an_ipv6_cidr_as_one_spelling_where_the_evaluator_reads_addresses() -> None:
    spellings = ["::1", "0:0:0:0:0:0:0:1", "0000:0000:0000:0000:0000:0000:0000:0001"]
    records = [{"EventID": 3, "Channel": "Microsoft-Windows-Sysmon/Operational",
                "DestinationIp": ip} for ip in spellings]
    backend = sqliteBackend(processing_pipeline=resolve_pipeline(DEFAULT_PIPELINES))
    (query,) = backend.convert(SigmaCollection.from_yaml(LOOPBACK_RULE))
    db = sqlite3.connect(":memory:")
    db.execute('CREATE TABLE logs (EventID INTEGER, Channel TEXT, DestinationIp TEXT)')
    db.executemany("INSERT INTO logs VALUES (?, ?, ?)", [tuple(r.values()) for r in records])

    found_by_sqlite = [row[2] for row in db.execute(query)]
    found_by_evaluator = [a.events[0].fields["DestinationIp"]
                          for a in run(LOOPBACK_RULE, records)]

    assert "DestinationIp='::1'" in query
    assert found_by_sqlite == ["::1"]
    assert found_by_evaluator == spellings
