"""Render every rule of `sigma_rules/` for each target SIEM, or check the renderings are current.

usage: .venv/bin/python conversions/refresh.py [--check]

Each target writes `conversions/<target>/<rule file stem><suffix>`. A rule that a backend
cannot convert gets a file holding one line that says why, so no rule goes missing silently.
"""
from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError
from sigma.plugins import InstalledSigmaPlugins
from sigma.processing.resolver import ProcessingPipelineResolver
from sigma.backends.sumo.ordering import references_first

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "sigma_rules"
OUT = REPO / "conversions"
REFRESH_COMMAND = ".venv/bin/python conversions/refresh.py"
NOT_CONVERTED = "not converted: "


@dataclass(frozen=True)
class Target:
    """One rendering: a sigma-cli target with its pipelines and output format."""

    folder: str
    backend: str
    pipelines: tuple[str, ...]
    output_format: str
    suffix: str


TARGETS = (
    Target("sumo", "sumo", ("sysmon", "sumo_sysmon", "sumo_windows"), "default", ".txt"),
    Target(
        "sumo-savedsearch",
        "sumo",
        ("sysmon", "sumo_sysmon", "sumo_windows"),
        "savedsearch",
        ".json",
    ),
    Target("splunk", "splunk", ("sysmon", "splunk_windows"), "default", ".spl"),
    Target("esql", "esql", ("sysmon", "ecs_windows"), "default", ".esql"),
)


def _text(output: object) -> str:
    """A backend's finalized output as file text ending in one newline."""
    if isinstance(output, list):
        output = "\n\n".join(str(query) for query in output)
    return str(output).rstrip("\n") + "\n"


def _convert(target: Target, plugins: InstalledSigmaPlugins, rules: list, wanted: list) -> str:
    """Convert `rules` in order with a fresh backend and keep the output of the `wanted` ones."""
    pipeline = ProcessingPipelineResolver(plugins.pipelines).resolve(list(target.pipelines))
    backend = plugins.backends[target.backend](processing_pipeline=pipeline)
    backend.init_processing_pipeline(target.output_format)
    queries: list = []
    for rule in rules:
        if isinstance(rule, SigmaCorrelationRule):
            result = backend.convert_correlation_rule(rule, target.output_format)
        else:
            result = backend.convert_rule(rule, target.output_format)
        if any(rule is w for w in wanted):
            queries.extend(result)
    if not queries:
        return NOT_CONVERTED + "the backend produced no query\n"
    return _text(backend.finalize(queries, target.output_format))


def _is_correlation(rule_file: Path) -> bool:
    """Whether a rule file holds a correlation, whose references need the whole folder."""
    documents = yaml.safe_load_all(rule_file.read_text(encoding="utf-8"))
    return any(isinstance(doc, dict) and "correlation" in doc for doc in documents)


def render(target: Target, plugins: InstalledSigmaPlugins, rule_file: Path) -> str:
    """The text `conversions/` holds for one rule file and one target."""
    try:
        if not _is_correlation(rule_file):
            own = SigmaCollection.load_ruleset([rule_file])
            return _convert(target, plugins, own.rules, own.rules)
        folder = SigmaCollection.load_ruleset([rule_file.parent])
        folder.resolve_rule_references()
        wanted = [r for r in folder.rules if r.source and Path(r.source.path) == rule_file]
        return _convert(target, plugins, references_first(folder.rules), wanted)
    except (SigmaError, NotImplementedError, yaml.YAMLError) as error:
        reason = " ".join(str(error).split())
        logger.info("%s: %s cannot convert: %s", rule_file.name, target.folder, reason)
        return f"{NOT_CONVERTED}{type(error).__name__}: {reason}\n"


def expected_files(rules_dir: Path = RULES) -> dict[Path, str]:
    """Every conversion file and its content, keyed by path relative to `conversions/`."""
    plugins = InstalledSigmaPlugins.autodiscover()
    files: dict[Path, str] = {}
    for rule_file in sorted(rules_dir.glob("*.yml")):
        for target in TARGETS:
            files[Path(target.folder) / f"{rule_file.stem}{target.suffix}"] = render(
                target, plugins, rule_file
            )
    return files


def stale_files(out_dir: Path = OUT, rules_dir: Path = RULES) -> list[str]:
    """What differs between `out_dir` and a fresh rendering: missing, stale or extra files."""
    expected = expected_files(rules_dir)
    problems = []
    for relative, content in expected.items():
        path = out_dir / relative
        if not path.exists():
            problems.append(f"missing: {relative}")
        elif path.read_text(encoding="utf-8") != content:
            problems.append(f"stale: {relative}")
    for target in TARGETS:
        for path in sorted((out_dir / target.folder).glob("*")):
            if path.relative_to(out_dir) not in expected:
                problems.append(f"extra: {path.relative_to(out_dir)}")
    return problems


def write(out_dir: Path = OUT, rules_dir: Path = RULES) -> int:
    """Rewrite `out_dir` from the rules; returns the number of files written."""
    expected = expected_files(rules_dir)
    for target in TARGETS:
        for path in (out_dir / target.folder).glob("*"):
            if path.relative_to(out_dir) not in expected:
                path.unlink()
    for relative, content in expected.items():
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return len(expected)


def main(argv: list[str] | None = None) -> int:
    """Command line entry: write the conversions, or with --check list what is out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files, write nothing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if args.check:
        problems = stale_files()
        for problem in problems:
            print(problem)
        if problems:
            print(f"conversions/ is out of date; refresh it with: {REFRESH_COMMAND}")
            return 1
        print("conversions/ is current")
        return 0
    print(f"wrote {write()} files under conversions/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
