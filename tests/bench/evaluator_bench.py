"""The evaluator benchmark: the evaluator and the SQLite anchor in the same run, on the same
generated events, both checked against the hand-counted truth.

    python -m tests.bench.evaluator_bench --bench-dir DIR

DIR holds `gen_events.py`, `sqlite_anchor.py`, `truth.py` and `rules/{detection,keyword,
correlation}`. Without it the benchmark prints why it is skipped and exits 0. It exits 1
when any count differs from the truth. Rates are end to end (imports and rule loading
included); compare the ratio taken in one run, never absolute rates across runs.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
EVENTS = 100_000
LARGE_EVENTS = 200_000
SMALL_EVENTS = 50_000
GOAL_RATIO = 3.0
REPEATS = 3
"""Each rate is the best of this many runs, for the evaluator and the anchor alike, so that a
pause of the machine during one run does not decide the ratio."""

# Rule id -> the key truth.py counts it under.
TRUTH_KEYS: dict[str, str] = {
    **{f"11111111-0000-4000-8000-00000000000{n}": f"r{n}" for n in range(1, 8)},
    "11111111-0000-4000-8000-000000000011": "beacon_alert_points",
}
RULE_SETS: tuple[str, ...] = ("detection", "keyword", "correlation")


@dataclass(frozen=True)
class Run:
    """One process's measurements."""

    rate: int
    counts: dict[str, int]
    peak_rss_mb: float | None
    note: str = ""


def python(*args: str | Path, cwd: Path = ROOT) -> dict[str, Any]:
    """Run a Python script and read the JSON object it prints last."""
    done = subprocess.run([sys.executable, *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def titles_to_truth(rule_dir: Path) -> dict[str, str]:
    """Rule title -> truth key, read from the rule files (the anchor reports titles)."""
    import yaml

    found = {}
    for path in sorted(rule_dir.glob("*.yml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document and str(document.get("id")) in TRUTH_KEYS:
                found[document["title"]] = TRUTH_KEYS[str(document["id"])]
    return found


def best(runs: list[Run]) -> Run:
    """The fastest of several runs; all must have counted the same."""
    if any(run.counts != runs[0].counts for run in runs):
        raise RuntimeError(f"runs counted differently: {[run.counts for run in runs]}")
    return max(runs, key=lambda run: run.rate)


def evaluator_run(rule_dir: Path, events: Path, strict: bool = False) -> Run:
    """The evaluator in its own process, best of `REPEATS`."""
    return best([_evaluator_once(rule_dir, events, strict) for _ in range(REPEATS)])


def _evaluator_once(rule_dir: Path, events: Path, strict: bool) -> Run:
    args = ["-m", "tests.bench.evaluator_run", rule_dir, events] + (["--strict"] if strict else [])
    result = python(*args)
    if result["rule_errors"]:
        raise RuntimeError(f"rule errors: {result['rule_errors']}")
    counts = {TRUTH_KEYS[rule_id]: n for rule_id, n in result["hits"].items()}
    return Run(result["end_to_end_events_per_s"], counts, result["peak_rss_mb"],
               f"{result['parsed']} of {result['events']} lines parsed")


def anchor_run(bench: Path, rule_dir: Path, events: Path) -> Run | None:
    """The SQLite anchor in its own process, best of `REPEATS`, or None if it cannot
    express the rules."""
    try:
        return best([_anchor_once(bench, rule_dir, events) for _ in range(REPEATS)])
    except RuntimeError as error:
        print(f"  anchor cannot run {rule_dir.name}: {str(error).splitlines()[-1]}")
        return None


def _anchor_once(bench: Path, rule_dir: Path, events: Path) -> Run:
    result = python(bench / "sqlite_anchor.py", rule_dir, events)
    keys = titles_to_truth(rule_dir)
    counts: dict[str, int] = {}
    for title, n in result["hits"].items():
        key = keys.get(title) or ("beacon_alert_points" if title.startswith("query_") else title)
        counts[key] = counts.get(key, 0) + n
    return Run(result["end_to_end_events_per_s"], counts, None)


def expected(truth: dict[str, int], rule_dir: Path) -> dict[str, int]:
    """The truth for the rules of one folder."""
    import yaml

    keys = {TRUTH_KEYS[str(d["id"])] for p in rule_dir.glob("*.yml")
            for d in yaml.safe_load_all(p.read_text()) if d and str(d.get("id")) in TRUTH_KEYS}
    return {k: truth[k] for k in keys if k in truth}


def main(argv: list[str] | None = None) -> int:
    """Generate, run, compare, print; 1 on any count differing from the truth."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.evaluator_bench")
    parser.add_argument("--bench-dir", type=Path, required=True)
    bench = parser.parse_args(argv).bench_dir
    needed = ["gen_events.py", "sqlite_anchor.py", "truth.py", "rules"]
    if not all((bench / name).exists() for name in needed):
        print(f"skipped: {bench} does not hold {', '.join(needed)}")
        return 0

    mismatches = []
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / "events.jsonl"
        small, large = Path(tmp) / "small.jsonl", Path(tmp) / "large.jsonl"
        for count, path in ((EVENTS, events), (SMALL_EVENTS, small), (LARGE_EVENTS, large)):
            subprocess.run([sys.executable, bench / "gen_events.py", str(count), path],
                           check=True, capture_output=True)
        truth = python(bench / "truth.py", events)
        print(f"{EVENTS:,} generated events; truth: {json.dumps(truth)}")

        for name in RULE_SETS:
            rule_dir = bench / "rules" / name
            want = expected(truth, rule_dir)
            mine = evaluator_run(rule_dir, events)
            strict = evaluator_run(rule_dir, events, strict=True)
            anchor = anchor_run(bench, rule_dir, events)
            print(f"\n{name}: truth {want}")
            print(f"  evaluator          {mine.rate:>9,} events/s  peak {mine.peak_rss_mb} MB  "
                  f"({mine.note})  counts {mine.counts}")
            print(f"  evaluator, strict  {strict.rate:>9,} events/s  peak {strict.peak_rss_mb} MB"
                  f"  counts {strict.counts}")
            for label, run in (("evaluator", mine), ("evaluator, strict", strict),
                               ("anchor", anchor)):
                if run is not None and run.counts != want:
                    mismatches.append(f"{name}: {label} counted {run.counts}, truth {want}")
            if anchor is not None:
                ratio = mine.rate / anchor.rate
                verdict = "meets" if ratio >= GOAL_RATIO else "is below"
                print(f"  sqlite anchor      {anchor.rate:>9,} events/s  counts {anchor.counts}")
                print(f"  ratio {ratio:.2f}x (strict {strict.rate / anchor.rate:.2f}x); "
                      f"{verdict} the {GOAL_RATIO:g}x goal")

        detection = bench / "rules" / "detection"
        small_run = evaluator_run(detection, small)
        large_run = evaluator_run(detection, large)
        print(f"\nmemory, detection rules: peak {small_run.peak_rss_mb} MB at {SMALL_EVENTS:,} "
              f"events, {large_run.peak_rss_mb} MB at {LARGE_EVENTS:,} events")

    for mismatch in mismatches:
        print(f"MISMATCH {mismatch}")
    print("all counts equal the truth" if not mismatches else f"{len(mismatches)} mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
