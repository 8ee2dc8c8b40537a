"""Converting inline Sigma rules with the Sumo backend, as sigma-cli would."""
import textwrap

import yaml
from sigma.backends.sumo import SumoLogicBackend
from sigma.collection import SigmaCollection
from sigma.pipelines.sumo import pipelines as sumo_pipelines
from sigma.pipelines.sysmon import sysmon_pipeline
from sigma.processing.pipeline import ProcessingPipeline
from sigma.processing.resolver import ProcessingPipelineResolver

from .sumo_reference import query_matches

RESOLVER = ProcessingPipelineResolver({"sysmon": sysmon_pipeline, **sumo_pipelines})
SYSMON_CHAIN = ("sysmon", "sumo_sysmon", "sumo_windows")


def convert(
    rule: str, pipelines: tuple[str, ...] = ("sumo_json",), vars: dict | None = None
) -> str:
    """The query text for a rule given as YAML, after the named pipelines and pipeline vars."""
    pipeline = RESOLVER.resolve(list(pipelines)) + ProcessingPipeline(vars=vars or {})
    backend = SumoLogicBackend(pipeline)
    queries = backend.convert(SigmaCollection.from_yaml(textwrap.dedent(rule)))
    assert len(queries) == 1, queries
    return queries[0]


WINDOWS_PROCESS = "{product: windows, category: process_creation}"


def rule_with(detection: dict) -> str:
    """A rule whose detection is given as data, so that any text survives the YAML round."""
    return yaml.safe_dump(
        {
            "title": "Any text",
            "id": "00000000-0000-4000-8000-000000000002",
            "logsource": {"product": "windows", "category": "process_creation"},
            "detection": {**detection, "condition": "sel"},
        },
        allow_unicode=False,
    )


def detection_rule(detection: str, logsource: str = WINDOWS_PROCESS) -> str:
    """A complete rule around the body of a `detection:` block."""
    return f"""
title: Test rule
id: 00000000-0000-4000-8000-000000000001
status: test
logsource: {logsource}
detection:
{textwrap.indent(textwrap.dedent(detection), "    ")}
level: low
"""


def matches(query: str, event: dict) -> bool:
    """Whether Sumo returns the event for the query, under every undocumented reading."""
    return query_matches(query, event)
