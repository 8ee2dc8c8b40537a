"""The README's two commands are the ones CI runs and a new user types."""
from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _shell_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)]


def test_readme_opens_with_a_convert_command_and_a_test_command():
    first, second = _shell_blocks()[:2]

    assert "sigma convert -t sumo" in first and "sigma_rules/" in first
    assert "pip install" in first
    assert "pytest" in second and "pip install" in second


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = _shell_blocks()[1]
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()

    assert test_command in ci_lines


def test_readme_semantics_example_is_what_the_backend_really_prints():
    from sigma.backends.sumo import SumoLogicBackend
    from sigma.collection import SigmaCollection
    from sigma.plugins import InstalledSigmaPlugins
    from sigma.processing.resolver import ProcessingPipelineResolver

    text = (REPO / "README.md").read_text(encoding="utf-8")
    semantics = text[text.index("## Semantics"):]
    rule = re.search(r"```yaml\n(.*?)```", semantics, flags=re.S).group(1)
    shown = re.search(r"becomes.*?```\n(.*?)```", semantics, flags=re.S).group(1).strip()
    resolver = ProcessingPipelineResolver(InstalledSigmaPlugins.autodiscover().pipelines)
    backend = SumoLogicBackend(resolver.resolve(["sysmon", "sumo_sysmon", "sumo_windows"]))

    assert backend.convert(SigmaCollection.from_yaml(rule)) == [shown]
