"""The rules of `sigma_rules/` pass `sigma check` with the pySigma core and SigmaHQ validators.

The validators fetch reference data (SigmaHQ taxonomy and file name conventions, MITRE ATT&CK,
MITRE D3FEND) from the internet on first use. These tests point them at the excerpts kept in
`tests/rule_quality/` instead, so the verdict is the same on every machine, online or not.
"""
from pathlib import Path
from types import ModuleType

import pytest
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.data import mitre_attack, mitre_d3fend
from sigma.plugins import InstalledSigmaPlugins
from sigma.rule import SigmaRule
from sigma.validation import SigmaValidator
from sigma.validators.base import SigmaValidationIssue
from sigma.validators.core.tags import InvalidATTACKTagIssue
from sigma.validators.sigmahq.data import (
    data_filename,
    data_taxonomy,
    data_windows_eventid,
    data_windows_provider,
)
from sigma.validators.sigmahq.fieldname import SigmahqInvalidFieldnameIssue
from sigma.validators.sigmahq.filename import SigmahqFilenamePrefixIssue
from sigma.validators.sigmahq.level import SigmahqLevelExistenceIssue
from sigma.validators.sigmahq.title import SigmahqTitleStartIssue

REPOSITORY = Path(__file__).resolve().parents[1]
RULES = REPOSITORY / "sigma_rules"
QUALITY = Path(__file__).resolve().parent / "rule_quality"
VALIDATION_CONFIG = QUALITY / "sigma_validation.yml"

REFERENCE_DATA: dict[ModuleType, str] = {
    mitre_attack: "enterprise_attack_excerpt.json",
    mitre_d3fend: "d3fend_excerpt.json",
    data_filename: "sigmahq_filename.json",
    data_taxonomy: "sigmahq_taxonomy.json",
    data_windows_eventid: "sigmahq_windows_eventid.json",
    data_windows_provider: "sigmahq_windows_provider.json",
}


@pytest.fixture(scope="module", autouse=True)
def offline_reference_data(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Make every validator data loader read the bundled excerpts, cached in a scratch folder."""
    cache = tmp_path_factory.mktemp("pysigma-cache")

    for module, filename in REFERENCE_DATA.items():
        module.set_cache_dir(str(cache / module.__name__.rsplit(".", 1)[-1]))
        module.set_url(str(QUALITY / filename))


def load_validator() -> SigmaValidator:
    """A fresh validator as `sigma check -c tests/rule_quality/sigma_validation.yml` builds it."""
    validators = InstalledSigmaPlugins.autodiscover().validators
    return SigmaValidator.from_yaml(VALIDATION_CONFIG.read_text(encoding="utf-8"), validators)


def load_rules(*paths: Path) -> SigmaCollection:
    """The rules of the given files or folders, keeping parse errors on the rules."""
    return SigmaCollection.load_ruleset(list(paths), collect_errors=True)


def describe(issues: list[SigmaValidationIssue]) -> str:
    """One line per issue: rule file, validator finding, details."""
    lines = []
    for issue in issues:
        where = ", ".join(str(rule.source) if rule.source else rule.title for rule in issue.rules)
        lines.append(f"{where}: {issue}")
    return "\n".join(lines)


def test_every_rule_file_parses_without_errors() -> None:
    collection = load_rules(RULES)

    errors = {str(rule.source): rule.errors for rule in collection.rules if rule.errors}
    for rule in collection.rules:
        if isinstance(rule, SigmaRule):
            for condition in rule.detection.parsed_condition:
                condition.parse()

    assert collection.rules, "no rule found in sigma_rules/"
    assert errors == {}


def test_sigma_check_reports_no_issue_on_the_rule_folder() -> None:
    collection = load_rules(RULES)

    issues = load_validator().validate_rules(collection.rules)

    assert issues == [], "sigma check found issues:\n" + describe(issues)


def test_base_rules_of_the_correlations_raise_no_alert_alone() -> None:
    collection = load_rules(RULES)
    correlations = [rule for rule in collection.rules if isinstance(rule, SigmaCorrelationRule)]

    standalone = [rule.title for rule in correlations if rule.generate]

    assert correlations, "no correlation rule found in sigma_rules/"
    assert standalone == []


def test_offline_check_flags_a_rule_that_breaks_the_conventions(tmp_path: Path) -> None:
    bad_rule = tmp_path / "beaconing.yml"
    bad_rule.write_text(
        "title: Detects Beaconing\n"
        "id: 0b5c1a56-4b55-4c55-9a55-5c55d55e5f55\n"
        "status: experimental\n"
        "description: A rule that breaks several SigmaHQ conventions on purpose.\n"
        "author: Test\n"
        "date: 2026-01-01\n"
        "tags:\n"
        "    - attack.command-and-control\n"
        "    - attack.t9999\n"
        "logsource:\n"
        "    category: network_connection\n"
        "    product: windows\n"
        "detection:\n"
        "    selection:\n"
        "        BeaconInterval: 5\n"
        "    condition: selection\n",
        encoding="utf-8",
    )

    issues = load_validator().validate_rules(load_rules(bad_rule).rules)

    found = {type(issue) for issue in issues}
    assert {
        SigmahqTitleStartIssue,
        SigmahqLevelExistenceIssue,
        SigmahqFilenamePrefixIssue,
        SigmahqInvalidFieldnameIssue,
        InvalidATTACKTagIssue,
    } <= found, describe(issues)
