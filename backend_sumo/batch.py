"""`sigma-sumo`: convert rule files to Sumo queries, reporting every broken rule and going on.

`sigma convert` stops the whole run at the first rule file it cannot parse. This command
converts with the same pipelines, prints one line per file or rule it could not convert
(path, the rule's title and id when it has them, and cause) on standard error, converts all
the others, and exits with status 1 if anything was reported.
"""
import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import yaml
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule, SigmaRuleReference
from sigma.exceptions import SigmaError, SigmaRuleLocation, SigmaRuleNotFoundError
from sigma.plugins import InstalledSigmaPlugins

from .backend import SumoLogicBackend
from .rule_checks import name_rule

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    args = _arguments().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    resolver = InstalledSigmaPlugins.autodiscover().get_pipeline_resolver()

    problems: list[str] = []
    collection = load_rules(args.inputs, args.file_pattern, problems)
    backend = SumoLogicBackend(resolver.resolve(args.pipeline, "sumo"), collect_errors=True)
    output = backend.convert(collection, args.format)
    problems += [f"{rule.source}: {_one_line(error)}" for rule, error in backend.errors]

    _write(output)
    for problem in problems:
        print(problem, file=sys.stderr)
    logger.info("%d rules loaded, %d problems", len(collection.rules), len(problems))
    return 1 if problems else 0


def load_rules(inputs: list[Path], file_pattern: str, problems: list[str]) -> SigmaCollection:
    """Every rule that parses, from files and folders; each failure is added to `problems`.

    A correlation rule that names a rule not loaded is left out and reported, so that one
    dangling reference does not stop the conversion of the others.
    """
    collections = []
    for path in SigmaCollection.resolve_paths(inputs, recursion_pattern="**/" + file_pattern):
        try:
            loaded = SigmaCollection.from_yaml(
                path.read_text(encoding="utf-8"),
                collect_errors=True,
                source=SigmaRuleLocation(path),
                collect_filters=True,
                resolve_references=False,
            )
        except (yaml.YAMLError, SigmaError, UnicodeDecodeError) as error:
            problems.append(f"{path.resolve()}: {_one_line(error)}")
            continue
        except (AttributeError, TypeError):
            # pySigma reads each YAML document as a mapping and fails on anything else.
            kind = _not_a_mapping(path)
            if kind is None:
                raise
            problems.append(
                f"{path.resolve()}: is no Sigma rule: its YAML holds {kind}, "
                "not a mapping of rule attributes"
            )
            continue
        problems += _load_problems(path, loaded)
        loaded.rules = [rule for rule in loaded.rules if not rule.errors]
        collections.append(loaded)

    merged = SigmaCollection.merge(collections, resolve_references=False)
    kept = _resolvable(merged.rules, problems)
    # The merge applied the filters to the rules; the backend resolves the references.
    return SigmaCollection(kept, errors=merged.errors, resolve_references=False)


def _not_a_mapping(path: Path) -> str | None:
    """What a file's YAML holds when a document of it is no mapping (`a list`), else None."""
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if document is not None and not isinstance(document, dict):
            kinds = {list: "a list", str: "a string", int: "a number", float: "a number"}
            return kinds.get(type(document), f"a {type(document).__name__}")
    return None


def _resolvable(rules: list[Any], problems: list[str]) -> list[Any]:
    """The rules left once every correlation that names a rule not kept is reported and dropped.

    Dropping a correlation can strand a correlation over it, so this repeats until none is left.
    """
    kept = rules
    dropped: set[str] = set()
    while True:
        lookup = SigmaCollection(kept, resolve_references=False)
        resolving = [
            rule for rule in kept if _references_resolve(rule, lookup, dropped, problems)
        ]
        if len(resolving) == len(kept):
            return kept
        for rule in kept:
            if rule not in resolving:
                dropped |= {str(name) for name in (rule.name, rule.id) if name}
        kept = resolving


def _load_problems(path: Path, loaded: SigmaCollection) -> list[str]:
    """One line per error of a parsed file, naming the rule when the error belongs to one."""
    owned = {id(error): rule for rule in loaded.rules for error in rule.errors}
    lines = []
    for error in loaded.errors:
        rule = owned.get(id(error))
        if rule is not None and (rule.title or rule.id):
            name_rule(error, rule)
        lines.append(f"{path.resolve()}: {_one_line(error)}")
    return lines


def _references_resolve(
    rule: Any, collection: SigmaCollection, dropped: set[str], problems: list[str]
) -> bool:
    """Whether every rule a correlation rule names is in the collection (True for others).

    `dropped` holds the names and ids of correlations already left out for a missing rule.
    """
    if not isinstance(rule, SigmaCorrelationRule):
        return True
    names = [ref.reference for ref in rule.rules] if rule.rules else []
    if not names and hasattr(rule.condition, "get_referenced_rules"):
        names = list(rule.condition.get_referenced_rules())
    for name in names:
        try:
            SigmaRuleReference(name).resolve(collection)
        except SigmaRuleNotFoundError:
            cause = (
                "was left out: it references a missing rule" if name in dropped
                else "is not the name or id of any rule loaded without errors"
            )
            error = name_rule(
                SigmaRuleNotFoundError(f"references rule '{name}', which {cause}"), rule
            )
            problems.append(f"{rule.source}: {_one_line(error)}")
            return False
    return True


def _write(output: Any) -> None:
    """Print the backend's output as sigma-cli does: texts apart by a blank line, JSON as JSON."""
    if isinstance(output, list) and all(isinstance(item, str) for item in output):
        print("\n\n".join(output))
    elif isinstance(output, (list, dict)):
        items = output if isinstance(output, list) else [output]
        print("\n".join(json.dumps(item) for item in items))
    else:
        print(output)


def _one_line(error: BaseException) -> str:
    """The error message on one line.

    The file a SigmaError names at its end is left out: every reported line starts with it.
    """
    text = str(error)
    source = getattr(error, "source", None)
    if isinstance(error, SigmaError) and source is not None and source.line is None:
        text = text.removesuffix(f" in {source}")
    return " ".join(text.split())


def _arguments() -> argparse.ArgumentParser:
    """The command-line options, named as in `sigma convert`."""
    parser = argparse.ArgumentParser(prog="sigma-sumo", description=__doc__.splitlines()[0])
    parser.add_argument(
        "-p", "--pipeline", action="append", default=[], help="pipeline name or YAML file"
    )
    parser.add_argument("-f", "--format", default="default", help="backend output format")
    parser.add_argument("-P", "--file-pattern", default="*.yml", help="rule file name pattern")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what is loaded")
    parser.add_argument("inputs", nargs="+", type=Path, help="rule files or folders")
    return parser


if __name__ == "__main__":
    sys.exit(main())
