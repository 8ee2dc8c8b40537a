"""One timed evaluator run, measured the way the SQLite anchor measures itself.

    python -m tests.bench.evaluator_run RULE_DIR events.jsonl [--strict]

Prints one JSON object: events read, seconds to import and load rules, seconds to evaluate,
end-to-end events per second (from before the evaluator is imported), alert counts by rule,
and the peak resident memory of this process.
"""
import time

STARTED = time.perf_counter()

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections import Counter  # noqa: E402

from tests.evaluator import Evaluator, EventReader, load_rules  # noqa: E402


def main() -> None:
    """Evaluate one rule folder on one events file and print the measurements."""
    rule_dir, events_path = sys.argv[1], sys.argv[2]
    strict = "--strict" in sys.argv[3:]
    rules = load_rules(rule_dir)
    loaded = time.perf_counter()

    evaluator = Evaluator(rules)
    reader = EventReader(events_path, evaluator.prefilter(), strict=strict)
    hits = Counter(alert.rule.id for alert in evaluator.run(reader))
    finished = time.perf_counter()

    print(json.dumps({
        "events": reader.records,
        "parsed": reader.parsed,
        "load_s": round(loaded - STARTED, 3),
        "evaluate_s": round(finished - loaded, 3),
        "end_to_end_events_per_s": round(reader.records / (finished - STARTED)),
        "hits": dict(hits),
        "rule_errors": [str(e) for e in rules.errors],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
