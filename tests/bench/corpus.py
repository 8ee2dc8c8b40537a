"""Converting a SigmaHQ rule tree with one backend and recording what happened to each file.

The corpus is a tarball of SigmaHQ's repository or an extracted copy of it. Its rules fall in
two parts: `rules/windows/`, converted with the Windows pipelines, and the rest (`rules/`
outside Windows, `rules-emerging-threats/`, `rules-threat-hunting/`), converted with a generic
JSON pipeline. Compliance and placeholder rules are left out: they need pipelines of their own.
"""
import logging
import re
import tarfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sigma.collection import SigmaCollection
from sigma.conversion.base import Backend
from sigma.exceptions import SigmaFeatureNotSupportedByBackendError
from sigma.plugins import InstalledSigmaPlugins
from sigma.rule import SigmaRule

logger = logging.getLogger(__name__)

WINDOWS = "rules/windows/"

# Top-level folders of the rest of the corpus, converted with the generic pipeline.
REST_FOLDERS = ("rules", "rules-emerging-threats", "rules-threat-hunting")

# What can become of a rule file. UNLISTED is an unsupported feature whose reason is not among
# the accepted ones; only CONVERTED and UNSUPPORTED count as success.
CONVERTED = "converted"
UNSUPPORTED = "unsupported"
UNLISTED = "unlisted"
ERROR = "error"
MALFORMED = "malformed"


@dataclass(frozen=True)
class RuleFile:
    """One rule file: its path relative to the corpus root and its YAML text."""

    path: str
    text: str


@dataclass(frozen=True)
class Target:
    """A backend with the pipelines it runs, named as `sigma convert -t ... -p ...` names them."""

    backend: str
    pipelines: tuple[str, ...]

    def label(self) -> str:
        """The backend and pipelines as one line, for tables."""
        return f"{self.backend} ({' + '.join(self.pipelines)})"


@dataclass(frozen=True)
class Outcome:
    """What became of one rule file: its queries, or the failure and the key it is grouped by."""

    path: str
    status: str
    queries: tuple[str, ...] = ()
    key: str = ""
    message: str = ""


@dataclass(frozen=True)
class Run:
    """All outcomes of converting one part of the corpus with one target, and how long it took."""

    target: Target
    seconds: float
    outcomes: tuple[Outcome, ...]

    def count(self, status: str) -> int:
        """How many files ended with the given status."""
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    def groups(self, status: str) -> dict[str, list[Outcome]]:
        """The outcomes with the given status, grouped by key, largest group first."""
        grouped: dict[str, list[Outcome]] = {}
        for outcome in self.outcomes:
            if outcome.status == status:
                grouped.setdefault(outcome.key, []).append(outcome)
        return dict(sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0])))


@dataclass(frozen=True)
class Corpus:
    """The rule files of a corpus, split into the Windows part and the rest."""

    root: Path
    windows: tuple[RuleFile, ...]
    rest: tuple[RuleFile, ...]


class CorpusNotFoundError(FileNotFoundError):
    """The given path holds no SigmaHQ rule tree."""


def locate_rule_tree(path: Path, scratch: Path) -> Path:
    """The folder holding `rules/`, extracting a tarball into `scratch` when given one.

    `path` is a tarball, a folder holding exactly one tarball, an extracted repository, or a
    folder holding one extracted repository.
    """
    if path.is_dir():
        tarballs = sorted(path.glob("*.tar.gz"))
        if not (path / "rules").is_dir() and len(tarballs) == 1:
            path = tarballs[0]

    if path.is_file():
        logger.info("extracting %s", path)
        with tarfile.open(path) as archive:
            archive.extractall(scratch, filter="data")
        path = scratch

    if (path / "rules").is_dir():
        return path
    candidates = [child for child in path.iterdir() if (child / "rules").is_dir()]
    if len(candidates) != 1:
        raise CorpusNotFoundError(f"no SigmaHQ rule tree (a folder with rules/) in {path}")
    return candidates[0]


def load_corpus(root: Path) -> Corpus:
    """Read every rule file of both parts into memory, so timing measures conversion only."""
    windows: list[RuleFile] = []
    rest: list[RuleFile] = []

    for folder in REST_FOLDERS:
        for file in sorted((root / folder).rglob("*.yml")):
            relative = file.relative_to(root).as_posix()
            rule = RuleFile(relative, file.read_text(encoding="utf-8"))
            (windows if relative.startswith(WINDOWS) else rest).append(rule)

    logger.info("read %d Windows and %d other rule files", len(windows), len(rest))
    return Corpus(root, tuple(windows), tuple(rest))


def make_backend(target: Target, plugins: InstalledSigmaPlugins) -> Backend:
    """The target's backend with its pipelines resolved as sigma-cli resolves them."""
    pipeline = plugins.get_pipeline_resolver().resolve(list(target.pipelines), target.backend)
    return plugins.backends[target.backend](processing_pipeline=pipeline)


def convert_files(
    files: Iterable[RuleFile], target: Target, plugins: InstalledSigmaPlugins
) -> Run:
    """Parse and convert each file afresh with the target, timing the whole loop."""
    files = tuple(files)
    started = time.perf_counter()

    backend = make_backend(target, plugins)
    outcomes = tuple(convert_file(rule_file, backend) for rule_file in files)

    seconds = time.perf_counter() - started
    logger.info("%s: %d files in %.2f s", target.label(), len(files), seconds)
    return Run(target, seconds, outcomes)


def convert_in_turns(
    files: Sequence[RuleFile], targets: tuple[Target, Target], plugins: InstalledSigmaPlugins,
    chunk: int = 25, first: int = 0,
) -> tuple[Run, Run]:
    """Convert the files with both targets, `chunk` files at a time, taking turns going first.

    Each target has one backend for all files, as in a run of its own, and is timed only while
    it converts, so the two times add up what a run of each would take; but a slow spell of a
    shared machine falls on both. `first` is the target that starts the first chunk.
    """
    backends = []
    seconds = [0.0, 0.0]
    for index, target in enumerate(targets):
        started = time.perf_counter()
        backends.append(make_backend(target, plugins))
        seconds[index] += time.perf_counter() - started
    outcomes: tuple[list[Outcome], list[Outcome]] = ([], [])

    for number, start in enumerate(range(0, len(files), chunk)):
        part = files[start:start + chunk]
        leader = (first + number) % 2
        for index in (leader, 1 - leader):
            started = time.perf_counter()
            converted = [convert_file(rule_file, backends[index]) for rule_file in part]
            seconds[index] += time.perf_counter() - started
            outcomes[index].extend(converted)

    for target, spent in zip(targets, seconds):
        logger.info("%s: %d files in %.2f s", target.label(), len(files), spent)
    return (
        Run(targets[0], seconds[0], tuple(outcomes[0])),
        Run(targets[1], seconds[1], tuple(outcomes[1])),
    )


def parse_seconds(files: Iterable[RuleFile]) -> float:
    """How long parsing the files into Sigma rules takes, the part every backend shares."""
    started = time.perf_counter()
    for rule_file in files:
        try:
            SigmaCollection.from_yaml(rule_file.text)
        except Exception:  # a file that does not parse is counted by the conversion runs
            continue
    return time.perf_counter() - started


def convert_file(rule_file: RuleFile, backend: Backend) -> Outcome:
    """Parse one file and convert every rule in it; the first failure decides the outcome."""
    queries: list[str] = []
    try:
        collection = SigmaCollection.from_yaml(rule_file.text)
        collection.resolve_rule_references()
        for rule in collection.rules:
            if isinstance(rule, SigmaRule):
                converted = backend.convert_rule(rule)
            else:
                converted = backend.convert_correlation_rule(rule)
            queries.extend(str(query) for query in converted)
    except SigmaFeatureNotSupportedByBackendError as error:
        return Outcome(rule_file.path, UNSUPPORTED, key=reason_key(error), message=_text(error))
    except Exception as error:  # every other failure is counted and grouped, not raised
        return Outcome(rule_file.path, ERROR, key=type(error).__name__, message=_text(error))
    return Outcome(rule_file.path, CONVERTED, queries=tuple(queries))


def check_queries(run: Run, check: Callable[[str], None]) -> Run:
    """The run with each converted file whose query fails `check` turned into MALFORMED."""
    outcomes = []
    for outcome in run.outcomes:
        problem = _first_problem(outcome.queries, check) if outcome.status == CONVERTED else None
        if problem is None:
            outcomes.append(outcome)
            continue
        message, query = problem
        outcomes.append(
            Outcome(outcome.path, MALFORMED, outcome.queries, malformed_key(message),
                    f"{message}\n{query}")
        )
    return Run(run.target, run.seconds, tuple(outcomes))


def reason_key(error: SigmaFeatureNotSupportedByBackendError) -> str:
    """The part of an unsupported-feature message that is the same for every rule it hits.

    The rule's location, quoted values and numbers vary between rules and are blanked out.
    """
    return _normalise(str(error.args[0]) if error.args else str(error))


def malformed_key(message: str) -> str:
    """The kind of syntax problem, without its position and the text it was found in."""
    first_line = message.splitlines()[0] if message else ""
    return _normalise(re.sub(r"^line \d+ column \d+: ", "", first_line))


def _normalise(message: str) -> str:
    text = re.sub(r"\s+", " ", message).strip()
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "…", text)
    text = re.sub(r"\b\d+\b", "N", text)
    return text[:160]


def _text(error: Exception) -> str:
    return re.sub(r"\s+", " ", str(error)).strip()[:500]


def _first_problem(
    queries: Iterable[str], check: Callable[[str], None]
) -> tuple[str, str] | None:
    for query in queries:
        try:
            check(query)
        except ValueError as error:
            return str(error), query
    return None
