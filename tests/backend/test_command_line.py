"""sigma-cli finds the backend and pipelines; broken rules are reported and the rest convert.

sigma-cli 3.1 stops at the first conversion error unless given `--skip-unsupported` (`-s`),
and aborts the whole run, even with `-s`, when a rule file does not parse. `sigma-sumo`
reports unparseable files too and converts the rest.
"""
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
PIPELINES = ["-p", "sysmon", "-p", "sumo_sysmon", "-p", "sumo_windows"]
GOOD_QUERY_END = r'Image matches /(?is)^.*\\rundll32\.exe$/'

RULES = {
    "good.yml": """
title: Good rule
id: 10000000-0000-4000-8000-000000000001
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\\rundll32.exe'}
  condition: sel
""",
    "unsupported_modifier.yml": """
title: Unsupported modifier
id: 10000000-0000-4000-8000-000000000002
logsource: {product: windows, category: process_creation}
detection:
  sel: {UtcTime|minute: 5}
  condition: sel
""",
    "unknown_logsource.yml": """
title: Unknown log source
id: 10000000-0000-4000-8000-000000000003
logsource: {product: linux, category: process_creation}
detection:
  sel: {Image|endswith: '/bash'}
  condition: sel
""",
}
MALFORMED = {
    "broken_yaml.yml": "title: Broken\nlogsource: {product: windows\ndetection: [\n",
    "unknown_modifier.yml": RULES["good.yml"].replace("endswith", "frobnicate"),
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run an installed command of this environment."""
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]], capture_output=True, text=True, timeout=120
    )


def write_rules(folder: Path, rules: dict[str, str]) -> Path:
    """A folder holding the given rule files."""
    folder.mkdir()
    for name, text in rules.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def error_lines(stderr: str) -> list[str]:
    """The lines of standard error that name a rule file."""
    return [line for line in stderr.splitlines() if ".yml: " in line]


def test_sigma_cli_lists_the_target_and_the_pipelines():
    targets = run("sigma", "list", "targets").stdout
    pipelines = run("sigma", "list", "pipelines").stdout

    assert "| sumo " in targets
    for name in ("sumo_sysmon", "sumo_windows", "sumo_json"):
        assert f"| {name} " in pipelines


def test_sigma_convert_with_skip_unsupported_reports_each_bad_rule_and_converts_the_rest(tmp_path):
    folder = write_rules(tmp_path / "rules", RULES)

    result = run("sigma", "convert", "-t", "sumo", "-s", *PIPELINES, str(folder))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(GOOD_QUERY_END)
    lines = error_lines(result.stderr)
    assert len(lines) == 2, result.stderr
    assert any("unsupported_modifier.yml: " in l and "minute modifier" in l for l in lines)
    assert any("unknown_logsource.yml: " in l and "product=linux" in l for l in lines)


def test_sigma_convert_without_skip_unsupported_stops_at_the_first_error(tmp_path):
    folder = write_rules(tmp_path / "rules", RULES)

    result = run("sigma", "convert", "-t", "sumo", *PIPELINES, str(folder))

    assert result.returncode != 0
    assert GOOD_QUERY_END not in result.stdout


def test_sigma_convert_aborts_on_an_unparseable_rule_file(tmp_path):
    folder = write_rules(tmp_path / "rules", {**RULES, **MALFORMED})

    result = run("sigma", "convert", "-t", "sumo", "-s", *PIPELINES, str(folder))

    assert result.returncode != 0
    assert GOOD_QUERY_END not in result.stdout


@pytest.mark.parametrize("extra", [{}, MALFORMED], ids=["backend errors", "and malformed files"])
def test_sigma_sumo_reports_one_line_per_broken_file_and_converts_the_rest(tmp_path, extra):
    folder = write_rules(tmp_path / "rules", {**RULES, **extra})

    result = run("sigma-sumo", *PIPELINES, str(folder))

    assert result.returncode == 1
    assert result.stdout.strip().endswith(GOOD_QUERY_END)
    lines = error_lines(result.stderr)
    assert len(lines) == 2 + len(extra), result.stderr
    expected = {
        "unsupported_modifier.yml": "minute modifier",
        "unknown_logsource.yml": "no Sumo pipeline handles log source",
        "broken_yaml.yml": "expected ',' or '}'",
        "unknown_modifier.yml": "Unknown modifier 'frobnicate'",
    }
    for name, cause in expected.items():
        if name in RULES or name in extra:
            assert any(f"{name}: " in line and cause in line for line in lines), (name, lines)


SEVERAL_GOOD = """
title: Rundll32 started
id: 10000000-0000-4000-8000-000000000011
name: rundll32_started
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\\rundll32.exe'}
  condition: sel
---
title: Regsvr32 started
id: 10000000-0000-4000-8000-000000000012
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\\regsvr32.exe'}
  condition: sel
---
title: Many rundll32 starts
id: 10000000-0000-4000-8000-000000000013
correlation:
  type: event_count
  rules: [rundll32_started]
  group-by: [Computer]
  timespan: 5m
  condition: {gte: 3}
"""
DANGLING_CORRELATION = """
title: Dangling correlation
id: 10000000-0000-4000-8000-000000000014
name: dangling
correlation:
  type: event_count
  rules: [does_not_exist]
  group-by: [Computer]
  timespan: 5m
  condition: {gte: 3}
"""
CORRELATION_OF_THE_DANGLING = """
title: Correlation over the dangling one
id: 10000000-0000-4000-8000-000000000015
correlation:
  type: event_count
  rules: [dangling]
  group-by: [Computer]
  timespan: 1h
  condition: {gte: 2}
"""


def test_sigma_sumo_reports_a_correlation_naming_a_missing_rule_and_converts_the_rest(tmp_path):
    folder = write_rules(
        tmp_path / "rules", {"several.yml": SEVERAL_GOOD, "dangling.yml": DANGLING_CORRELATION}
    )

    result = run("sigma-sumo", *PIPELINES, str(folder))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{folder.resolve() / 'dangling.yml'}: Rule 'Dangling correlation' "
        "(10000000-0000-4000-8000-000000000014): references rule 'does_not_exist', which is "
        "not the name or id of any rule loaded without errors"
    ]
    # The base rule of the correlation is output only inside it (`generate` is false).
    regsvr32, correlation = result.stdout.strip().split("\n\n")
    assert regsvr32.endswith(r'Image matches /(?is)^.*\\regsvr32\.exe$/')
    assert GOOD_QUERY_END in correlation and "| where event_count >= 3" in correlation


def test_sigma_sumo_reports_a_correlation_over_a_dropped_correlation_too(tmp_path):
    folder = write_rules(tmp_path / "rules", {
        "several.yml": SEVERAL_GOOD,
        "dangling.yml": DANGLING_CORRELATION,
        "over_dangling.yml": CORRELATION_OF_THE_DANGLING,
    })

    result = run("sigma-sumo", *PIPELINES, str(folder))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert [line.split(": ", 2)[1] for line in result.stderr.splitlines()] == [
        "Rule 'Dangling correlation' (10000000-0000-4000-8000-000000000014)",
        "Rule 'Correlation over the dangling one' (10000000-0000-4000-8000-000000000015)",
    ]
    assert "references rule 'dangling', which was left out: it references a missing rule" in (
        result.stderr
    )
    assert len(result.stdout.strip().split("\n\n")) == 2, result.stdout


@pytest.mark.parametrize("text, kind", [("- a\n- b\n", "a list"), ("just words\n", "a string")])
def test_sigma_sumo_reports_a_yaml_file_that_holds_no_mapping_and_converts_the_rest(
    tmp_path, text, kind
):
    folder = write_rules(tmp_path / "rules", {"several.yml": SEVERAL_GOOD, "not_a_rule.yml": text})

    result = run("sigma-sumo", *PIPELINES, str(folder))

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{folder.resolve() / 'not_a_rule.yml'}: is no Sigma rule: its YAML holds {kind}, "
        "not a mapping of rule attributes"
    ]
    assert len(result.stdout.strip().split("\n\n")) == 2, result.stdout


INVALID_SIGMA = {
    "frobnicate.yml": """
title: Frobnicated image
id: 10000000-0000-4000-8000-000000000021
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|frobnicate: x}
  condition: sel
""",
    "no_condition.yml": """
title: Detection without condition
id: 10000000-0000-4000-8000-000000000022
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\\x.exe'}
""",
}


def test_sigma_sumo_names_the_title_and_id_of_a_rule_that_is_yaml_but_not_sigma(tmp_path):
    folder = write_rules(tmp_path / "rules", {**INVALID_SIGMA, "good.yml": RULES["good.yml"]})

    result = run("sigma-sumo", *PIPELINES, str(folder))

    assert result.returncode == 1
    assert result.stdout.strip().endswith(GOOD_QUERY_END)
    assert sorted(result.stderr.splitlines()) == [
        f"{folder.resolve() / 'frobnicate.yml'}: Rule 'Frobnicated image' "
        "(10000000-0000-4000-8000-000000000021): Unknown modifier 'frobnicate'",
        f"{folder.resolve() / 'no_condition.yml'}: Rule 'Detection without condition' "
        "(10000000-0000-4000-8000-000000000022): Sigma rule must contain at least one condition",
    ]
