"""Convert the SigmaHQ corpus with the Sumo backend and with the Splunk backend, and compare.

    python -m tests.bench.corpus_bench --corpus PATH

PATH is SigmaHQ's rules as a tarball or an extracted folder. `rules/windows/` is converted
with Splunk (`sysmon` + `splunk_windows`) and with Sumo (`sysmon` + `sumo_sysmon` +
`sumo_windows`) in the same run; the rest of the corpus with Sumo's generic `sumo_json`.
Every Sumo query is checked by the Sumo syntax checker. Prints times, the speed ratio, the
failures grouped by reason and a Markdown coverage table.

Exits 1 when a rule fails with anything but an accepted unsupported reason or a query is
malformed, 2 when the Sumo pipelines cannot be resolved, 0 otherwise (also when PATH is
absent, after saying why nothing was measured).
"""
import argparse
import gc
import logging
import re
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from sigma.exceptions import SigmaPipelineNotFoundError
from sigma.plugins import InstalledSigmaPlugins

from tests.bench.corpus import (
    CONVERTED,
    ERROR,
    MALFORMED,
    UNLISTED,
    UNSUPPORTED,
    Corpus,
    CorpusNotFoundError,
    Run,
    Target,
    check_queries,
    convert_files,
    convert_in_turns,
    load_corpus,
    locate_rule_tree,
    parse_seconds,
)
from tests.sumo import check_query

SPLUNK_WINDOWS = Target("splunk", ("sysmon", "splunk_windows"))
SUMO_WINDOWS = Target("sumo", ("sysmon", "sumo_sysmon", "sumo_windows"))
SUMO_REST = Target("sumo", ("sumo_json",))


@dataclass(frozen=True)
class AcceptedReason:
    """A feature Sumo search cannot express, so a rule needing it may fail to convert.

    `pattern` is searched in the message of the SigmaFeatureNotSupportedByBackendError;
    `meaning` is the line the README prints next to the count.
    """

    key: str
    pattern: str
    meaning: str


ACCEPTED_UNSUPPORTED: tuple[AcceptedReason, ...] = (
    AcceptedReason(
        "regex-outside-re2",
        r"RE2 \(the regex engine of Sumo Logic\) does not support",
        "a `|re` value uses look-around, back-references or other syntax RE2 lacks; Sumo's "
        "`matches` has only RE2, and an approximation would change what the rule finds",
    ),
    AcceptedReason(
        "placeholder-without-value",
        r"placeholder %[^%]+% has no value",
        "the rule needs a site-specific list (`%name%`) that no pipeline's vars define",
    ),
    AcceptedReason(
        "log-source-without-channel",
        r"no Sumo pipeline handles log source",
        "the log source is no Sysmon event and no Windows channel pySigma knows (`file_access`, "
        "`file_rename`, and services such as `iis-configuration`); without a layout no field "
        "can be read",
    ),
    AcceptedReason(
        "query-over-length-limit",
        r"query is \d+ characters, over Sumo's 15,000 limit",
        "the query is longer than the 15,000 characters Sumo accepts, even with the values of "
        "one field as one regex (long lists of hashes or package names)",
    ),
)

FAILING_STATUSES = (ERROR, UNLISTED, MALFORMED)


@dataclass(frozen=True)
class Report:
    """The three runs of one benchmark."""

    splunk_windows: Run
    sumo_windows: Run
    sumo_rest: Run
    parse_windows_seconds: float
    rounds: tuple[tuple[float, float], ...] = ()

    def sumo_runs(self) -> tuple[Run, Run]:
        """The runs whose failures decide the exit code."""
        return self.sumo_windows, self.sumo_rest

    def ratio(self) -> float:
        """Sumo's mean time over Splunk's on `rules/windows/`."""
        return self.sumo_windows.seconds / self.splunk_windows.seconds

    def round_ratios(self) -> list[float]:
        """Sumo's time over Splunk's in each round, to show how much the machine varied."""
        return [sumo / splunk for splunk, sumo in self.rounds]

    def failed(self) -> bool:
        """Whether any Sumo conversion failed other than for an accepted reason."""
        return any(run.count(status) for run in self.sumo_runs() for status in FAILING_STATUSES)


def classify_unsupported(run: Run) -> Run:
    """The run with each unsupported outcome keyed by its accepted reason, or marked UNLISTED."""
    outcomes = []
    for outcome in run.outcomes:
        if outcome.status != UNSUPPORTED:
            outcomes.append(outcome)
            continue
        reason = accepted_reason(outcome.message)
        if reason is None:
            outcomes.append(replace(outcome, status=UNLISTED))
        else:
            outcomes.append(replace(outcome, key=reason.key))
    return replace(run, outcomes=tuple(outcomes))


def accepted_reason(message: str) -> AcceptedReason | None:
    """The accepted reason an unsupported-feature message names, if any."""
    for reason in ACCEPTED_UNSUPPORTED:
        if re.search(reason.pattern, message):
            return reason
    return None


def run_benchmark(corpus: Corpus, plugins: InstalledSigmaPlugins, repeat: int = 1) -> Report:
    """Convert both parts of the corpus with every target and check Sumo's text.

    The Windows part is converted by both backends in turns, a few files at a time
    (`convert_in_turns`), `repeat` times, the backend that goes first alternating between
    rounds; each backend's time is its mean over the rounds. Every round starts from a
    collected, frozen heap, so that what earlier rounds left in memory does not slow the
    garbage collector of the next one.
    """
    rounds = []
    for round_number in range(repeat):
        _settle_heap()
        rounds.append(convert_in_turns(
            corpus.windows, (SPLUNK_WINDOWS, SUMO_WINDOWS), plugins, first=round_number % 2
        ))
    _settle_heap()
    sumo_rest = convert_files(corpus.rest, SUMO_REST, plugins)
    parsing = min(parse_seconds(corpus.windows) for _ in range(repeat))

    splunk_runs = [splunk for splunk, _ in rounds]
    sumo_runs = [sumo for _, sumo in rounds]
    return Report(
        splunk_windows=_mean(splunk_runs),
        sumo_windows=classify_unsupported(check_queries(_mean(sumo_runs), check_query)),
        sumo_rest=classify_unsupported(check_queries(sumo_rest, check_query)),
        parse_windows_seconds=parsing,
        rounds=tuple((splunk.seconds, sumo.seconds) for splunk, sumo in rounds),
    )


def _settle_heap() -> None:
    """Collect garbage and move what survives out of the collector's way before a timed run."""
    gc.collect()
    gc.freeze()


def _mean(runs: list[Run]) -> Run:
    """The first run's outcomes, every round's being the same, with the mean time of all."""
    return replace(runs[0], seconds=sum(run.seconds for run in runs) / len(runs))


def warm_up(corpus: Corpus, plugins: InstalledSigmaPlugins, files: int = 25) -> None:
    """Convert a few rules with every target first, so neither timed run pays for first use."""
    sample = corpus.windows[:files]
    for target in (SPLUNK_WINDOWS, SUMO_WINDOWS):
        convert_files(sample, target, plugins)
    convert_files(corpus.rest[:files], SUMO_REST, plugins)


def summary_lines(report: Report) -> list[str]:
    """Times, counts and the ratio, one run a line."""
    lines = []
    for part, run in (
        ("rules/windows/", report.splunk_windows),
        ("rules/windows/", report.sumo_windows),
        ("rest", report.sumo_rest),
    ):
        lines.append(
            f"{part:15} {run.target.label():45} {len(run.outcomes):5} files  "
            f"{run.count(CONVERTED):5} converted  {run.count(UNSUPPORTED):4} unsupported  "
            f"{run.count(UNLISTED):4} unlisted  {run.count(ERROR):4} errors  "
            f"{run.count(MALFORMED):4} malformed  {run.seconds:7.2f} s"
        )
    for number, ((splunk, sumo), ratio) in enumerate(zip(report.rounds, report.round_ratios()), 1):
        lines.append(f"round {number}: splunk {splunk:.2f} s, sumo {sumo:.2f} s, ratio {ratio:.2f}")
    lines.append(f"ratio sumo/splunk on rules/windows/ (mean of each): {report.ratio():.2f}")
    lines.append(f"parsing alone (YAML into Sigma rules), part of both times: "
                 f"{report.parse_windows_seconds:.2f} s")
    return lines


def failure_lines(run: Run, part: str, examples: int = 3) -> list[str]:
    """Every failure group of a run with its count and a few example files and messages."""
    lines = []
    for status in (UNSUPPORTED, UNLISTED, ERROR, MALFORMED):
        for key, outcomes in run.groups(status).items():
            lines.append(f"[{part} {run.target.backend}] {status}: {key} ({len(outcomes)})")
            for outcome in outcomes[:examples]:
                message = outcome.message.splitlines()[0] if outcome.message else ""
                lines.append(f"    {outcome.path}: {message[:300]}")
    return lines


def coverage_table(report: Report) -> list[str]:
    """The Markdown coverage tables for the README: counts per part, then per accepted reason."""
    lines = [
        "| rules | backend and pipelines | files | converted | unsupported "
        "| other failures | malformed queries | time |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for part, run in (
        ("`rules/windows/`", report.splunk_windows),
        ("`rules/windows/`", report.sumo_windows),
        ("rest of the corpus", report.sumo_rest),
    ):
        others = run.count(ERROR) + run.count(UNLISTED)
        malformed = "not checked" if run is report.splunk_windows else run.count(MALFORMED)
        lines.append(
            f"| {part} | {run.target.label()} | {len(run.outcomes)} | {run.count(CONVERTED)} "
            f"| {run.count(UNSUPPORTED)} | {others} | {malformed} | {run.seconds:.1f} s |"
        )

    lines += [
        "",
        "Sumo's unsupported count holds only the reasons listed below; any other reason counts "
        "under other failures.",
        f"Sumo time over Splunk time on `rules/windows/`: {report.ratio():.2f}, mean of "
        f"{len(report.rounds)} rounds each{_spread(report)} (parsing alone, shared by both: "
        f"{report.parse_windows_seconds:.1f} s).",
        "",
        "| accepted unsupported reason | `rules/windows/` | rest | why |",
        "| --- | ---: | ---: | --- |",
    ]
    windows_groups = report.sumo_windows.groups(UNSUPPORTED)
    rest_groups = report.sumo_rest.groups(UNSUPPORTED)
    for reason in ACCEPTED_UNSUPPORTED:
        lines.append(
            f"| `{reason.key}` | {len(windows_groups.get(reason.key, []))} "
            f"| {len(rest_groups.get(reason.key, []))} | {_cell(reason.meaning)} |"
        )
    return lines


def _spread(report: Report) -> str:
    """The lowest and highest ratio of a single round, when there was more than one."""
    ratios = report.round_ratios()
    if len(ratios) < 2:
        return ""
    return f"; single rounds {min(ratios):.2f} to {max(ratios):.2f}"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell, where a bare `|` would end the cell."""
    return text.replace("|", "\\|")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on the corpus at --corpus and print its report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True,
                        help="SigmaHQ rules: a .tar.gz or an extracted folder")
    parser.add_argument("--examples", type=int, default=3,
                        help="example files printed per failure group")
    parser.add_argument("--repeat", type=int, default=1,
                        help="convert rules/windows/ this many times per backend, report the mean")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    if not arguments.corpus.exists():
        print(f"SKIPPED: no SigmaHQ corpus at {arguments.corpus}; nothing measured")
        return 0

    with tempfile.TemporaryDirectory(prefix="sigma-corpus-") as scratch:
        try:
            corpus = load_corpus(locate_rule_tree(arguments.corpus, Path(scratch)))
        except CorpusNotFoundError as error:
            print(f"SKIPPED: {error}; nothing measured")
            return 0

        plugins = InstalledSigmaPlugins.autodiscover()
        try:
            warm_up(corpus, plugins)
            report = run_benchmark(corpus, plugins, max(1, arguments.repeat))
        except SigmaPipelineNotFoundError as error:
            print(f"FAILED: a pipeline of the benchmark is not installed: {error}")
            return 2

    print(f"SigmaHQ corpus: {len(corpus.windows)} files in rules/windows/, "
          f"{len(corpus.rest)} in the rest")
    print("\n".join(summary_lines(report)))
    print()
    for run, part in (
        (report.splunk_windows, "rules/windows/"),
        (report.sumo_windows, "rules/windows/"),
        (report.sumo_rest, "rest"),
    ):
        lines = failure_lines(run, part, arguments.examples)
        if lines:
            print("\n".join(lines))
    print()
    print("\n".join(coverage_table(report)))

    if report.failed():
        print("\nFAILED: rules raised something other than an accepted unsupported reason, "
              "or produced malformed queries (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
