"""The corpus benchmark's machinery, run on a sample of SigmaHQ rules kept in the repository.

The sample (`tests/fixtures/sigmahq_sample/`, Detection Rule License 1.1) holds Windows rules
that use keywords, regexes, CIDR ranges, field references, wildcards, null values,
`base64offset` and `windash`, and a few rules from the rest of the corpus, at their SigmaHQ
paths.
"""
import re
import tarfile
from pathlib import Path

import pytest
from sigma.plugins import InstalledSigmaPlugins

from tests.bench import corpus_bench
from tests.bench.corpus import (
    CONVERTED,
    ERROR,
    MALFORMED,
    UNLISTED,
    UNSUPPORTED,
    Outcome,
    RuleFile,
    Run,
    check_queries,
    convert_file,
    convert_files,
    convert_in_turns,
    load_corpus,
    locate_rule_tree,
    make_backend,
)
from tests.bench.corpus_bench import (
    SPLUNK_WINDOWS,
    SUMO_REST,
    SUMO_WINDOWS,
    AcceptedReason,
    classify_unsupported,
    main,
)
from tests.sumo import check_query

SAMPLE = Path(__file__).parent.parent / "fixtures" / "sigmahq_sample"


@pytest.fixture(scope="module")
def plugins() -> InstalledSigmaPlugins:
    return InstalledSigmaPlugins.autodiscover()


def test_the_sample_splits_into_windows_rules_and_the_rest() -> None:
    corpus = load_corpus(SAMPLE)

    assert len(corpus.windows) == 32
    assert all(rule.path.startswith("rules/windows/") for rule in corpus.windows)
    assert sorted(rule.path.split("/")[0] for rule in corpus.rest) == [
        "rules", "rules", "rules", "rules-emerging-threats", "rules-threat-hunting"
    ]


def test_every_sample_rule_keeps_its_author() -> None:
    corpus = load_corpus(SAMPLE)

    assert all("\nauthor: " in rule.text for rule in corpus.windows + corpus.rest)


def test_a_tarball_is_extracted_and_its_repository_folder_found(tmp_path: Path) -> None:
    tarball = tmp_path / "sigma-rules.tar.gz"
    with tarfile.open(tarball, "w:gz") as archive:
        archive.add(SAMPLE, arcname="sigma-rules-0000")

    root = locate_rule_tree(tarball, tmp_path / "scratch")

    assert root == tmp_path / "scratch" / "sigma-rules-0000"
    assert len(load_corpus(root).windows) == 32


def test_a_folder_holding_one_tarball_is_read_as_that_tarball(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    with tarfile.open(tmp_path / "corpus" / "rules.tar.gz", "w:gz") as archive:
        archive.add(SAMPLE, arcname="sigma-rules-0000")

    root = locate_rule_tree(tmp_path / "corpus", tmp_path / "scratch")

    assert (root / "rules" / "windows").is_dir()


def test_splunk_failures_are_grouped_by_their_unsupported_reason(
    plugins: InstalledSigmaPlugins,
) -> None:
    run = convert_files(load_corpus(SAMPLE).windows, SPLUNK_WINDOWS, plugins)

    assert run.groups(UNSUPPORTED) == {
        "ORing FieldRef matching is not yet supported by Splunk backend": [
            outcome for outcome in run.outcomes if outcome.status == UNSUPPORTED
        ]
    }
    assert sorted(outcome.path for outcome in run.outcomes if outcome.status == UNSUPPORTED) == [
        "rules/windows/builtin/security/win_security_explicit_credential_local_logon.yml",
        "rules/windows/process_creation/proc_creation_win_susp_cross_user_process_spawn.yml",
    ]
    assert run.count(CONVERTED) == 30


@pytest.mark.parametrize("first", [0, 1])
def test_taking_turns_gives_each_backend_what_a_run_of_its_own_gives(
    plugins: InstalledSigmaPlugins, first: int
) -> None:
    files = load_corpus(SAMPLE).windows

    splunk, sumo = convert_in_turns(files, (SPLUNK_WINDOWS, SUMO_WINDOWS), plugins, 5, first)

    assert splunk.outcomes == convert_files(files, SPLUNK_WINDOWS, plugins).outcomes
    assert sumo.outcomes == convert_files(files, SUMO_WINDOWS, plugins).outcomes
    assert (splunk.target, sumo.target) == (SPLUNK_WINDOWS, SUMO_WINDOWS)
    assert splunk.seconds > 0 and sumo.seconds > 0


def test_a_query_that_fails_the_syntax_check_turns_the_file_malformed() -> None:
    run = Run(SUMO_WINDOWS, 1.0, (
        Outcome("good.yml", CONVERTED, ('_sourceCategory=x\n| json "a" as a\n| where a = "1"',)),
        Outcome("bad.yml", CONVERTED, ('_sourceCategory=x\n| json "a" as a\n| where a = "1',)),
    ))

    checked = check_queries(run, check_query)

    assert [outcome.status for outcome in checked.outcomes] == [CONVERTED, MALFORMED]
    assert list(checked.groups(MALFORMED)) == [
        "unterminated string: no closing double quote on its line"
    ]


def test_an_unsupported_reason_missing_from_the_table_is_unlisted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    accepted = AcceptedReason("ipv6-cidr", r"IPv6", "IPv6 ranges cannot be tested.")
    monkeypatch.setattr(corpus_bench, "ACCEPTED_UNSUPPORTED", (accepted,))
    run = Run(SUMO_WINDOWS, 1.0, (
        Outcome("a.yml", UNSUPPORTED, key="x", message="IPv6 network fe80::/10 in rule a"),
        Outcome("b.yml", UNSUPPORTED, key="y", message="something else entirely"),
    ))

    classified = classify_unsupported(run)

    assert [(o.status, o.key) for o in classified.outcomes] == [
        (UNSUPPORTED, "ipv6-cidr"), (UNLISTED, "y")
    ]


LOOK_AHEAD_RULE = """
title: Look-ahead in a regex
id: 5d0f3c3e-6c43-4a57-9d0e-2f7b1c1d0a01
status: test
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        CommandLine|re: 'powershell(?=.*-enc)'
    condition: selection
"""


def test_a_regex_outside_re2_fails_for_the_accepted_reason(plugins: InstalledSigmaPlugins) -> None:
    backend = make_backend(SUMO_WINDOWS, plugins)
    converted = convert_file(RuleFile("look_ahead.yml", LOOK_AHEAD_RULE), backend)

    outcome = classify_unsupported(Run(SUMO_WINDOWS, 0.0, (converted,))).outcomes[0]

    assert (outcome.status, outcome.key) == (UNSUPPORTED, "regex-outside-re2")


def test_the_benchmark_skips_with_a_reason_when_the_corpus_is_absent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--corpus", str(tmp_path / "absent.tar.gz")])

    assert code == 0
    assert capsys.readouterr().out.startswith("SKIPPED: no SigmaHQ corpus at ")


def test_every_sample_windows_rule_converts_with_sumo_or_fails_for_an_accepted_reason(
    plugins: InstalledSigmaPlugins,
) -> None:
    run = classify_unsupported(check_queries(
        convert_files(load_corpus(SAMPLE).windows, SUMO_WINDOWS, plugins), check_query
    ))

    failures = [f"{o.path}: {o.status}: {o.message[:200]}" for o in run.outcomes
                if o.status in (ERROR, UNLISTED, MALFORMED)]
    assert failures == []
    assert run.count(CONVERTED) + run.count(UNSUPPORTED) == 32


def test_every_other_sample_rule_converts_with_the_generic_pipeline_or_fails_accepted(
    plugins: InstalledSigmaPlugins,
) -> None:
    run = classify_unsupported(check_queries(
        convert_files(load_corpus(SAMPLE).rest, SUMO_REST, plugins), check_query
    ))

    failures = [f"{o.path}: {o.status}: {o.message[:200]}" for o in run.outcomes
                if o.status in (ERROR, UNLISTED, MALFORMED)]
    assert failures == []


def test_the_benchmark_on_the_sample_prints_times_ratio_and_coverage_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["--corpus", str(SAMPLE), "--repeat", "2"])

    out = capsys.readouterr().out
    assert code == 0
    assert re.search(r"^round 1: splunk \d+\.\d\d s, sumo \d+\.\d\d s, ratio \d+\.\d\d$", out, re.M)
    assert re.search(r"^round 2: splunk ", out, re.M)
    assert "ratio sumo/splunk on rules/windows/ (mean of each): " in out
    assert re.search(r"mean of 2 rounds each; single rounds \d+\.\d\d to \d+\.\d\d", out)
    assert "| `rules/windows/` | sumo (sysmon + sumo_sysmon + sumo_windows) | 32 |" in out
    assert "| rest of the corpus | sumo (sumo_json) | 5 |" in out
