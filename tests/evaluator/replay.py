"""Replay a log file through a rule folder and print the alerts.

    python -m tests.evaluator.replay RULES_DIR LOGFILE [--format table|jsonl]

The file may be JSON Lines (Sysmon field names, or Windows events as Sumo Logic exports them),
a JSON array, or `.evtx`. Rule errors and skipped rules go to stderr with the file and the
cause; the other rules are still evaluated. Exit status: 0, 1 if the input cannot be read,
2 if some rules could not be loaded.
"""
from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from .engine import Evaluator
from .errors import EvaluatorError
from .loading import EventReader
from .output import json_lines, table
from .pipelines import DEFAULT_PIPELINES
from .progress import ProgressBar
from .rules import load_rules
from .timestamps import TIME_FIELDS

PROGRESS_FROM_BYTES = 1 << 20


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.evaluator.replay",
        description="Evaluate Sigma rules on a log file and print the alerts.")
    parser.add_argument("rules", type=Path, help="folder (or file) of Sigma rules")
    parser.add_argument("logfile", type=Path, help="JSON Lines, JSON array or .evtx events")
    parser.add_argument("--format", choices=("table", "jsonl"), default="table")
    parser.add_argument("--pipeline", action="append", metavar="NAME",
                        help=f"processing pipeline (repeatable; default: "
                             f"{' '.join(DEFAULT_PIPELINES)})")
    parser.add_argument("--time-field", action="append", metavar="FIELD",
                        help=f"field holding event times (repeatable; default: "
                             f"{', '.join(TIME_FIELDS)})")
    parser.add_argument("--placeholder", action="append", metavar="NAME=VALUE", default=[],
                        help="a value for %%NAME%% in rules using `expand` (repeatable)")
    parser.add_argument("--strict", action="store_true",
                        help="parse every line, also those no rule can match")
    parser.add_argument("--verbose", action="store_true",
                        help="log files read, rules skipped and correlation counts")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", action="store_true", default=None,
                          help="always show the progress bar")
    progress.add_argument("--no-progress", dest="progress", action="store_false",
                          help="never show the progress bar")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    args = parse_arguments(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s")
    placeholders: dict[str, list[str]] = {}
    for assignment in args.placeholder:
        name, _, value = assignment.partition("=")
        placeholders.setdefault(name, []).append(value)
    rules = load_rules(args.rules, pipelines=args.pipeline or DEFAULT_PIPELINES,
                       placeholders=placeholders)
    for error in rules.errors:
        print(f"rule error: {error}", file=sys.stderr)
    for skipped in rules.skipped:
        print(f"skipped {skipped.info.label()} [{skipped.info.path}]: {skipped.reason}",
              file=sys.stderr)

    show_progress = args.progress
    if show_progress is None:
        show_progress = (sys.stderr.isatty() and args.logfile.exists()
                         and args.logfile.stat().st_size >= PROGRESS_FROM_BYTES)
    bar = ProgressBar(sys.stderr, args.logfile.name) if show_progress else None
    evaluator = Evaluator(rules, tuple(args.time_field or TIME_FIELDS))
    reader = EventReader(args.logfile, evaluator.prefilter(), strict=args.strict, progress=bar)

    try:
        alerts = evaluator.run(reader)
        if args.format == "jsonl":
            for line in json_lines(alerts):
                print(line)
        else:
            collected = sorted(alerts, key=lambda a: (a.first is None, a.first or 0))
            if bar:
                bar.close()
                bar = None
            for line in table(collected):
                print(line)
    except (EvaluatorError, OSError) as error:
        if bar:
            bar.close()
        print(f"error: {error}", file=sys.stderr)
        return 1
    if bar:
        bar.close()

    print(f"{reader.records} records read, {reader.parsed} parsed; {len(rules.detections)} "
          f"plain and {len(rules.correlations)} correlation rules evaluated", file=sys.stderr)
    return 2 if rules.errors else 0


if __name__ == "__main__":
    sys.exit(main())
