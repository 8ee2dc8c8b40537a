"""The processing pipeline rules pass through before evaluation, so fixtures use Sysmon names.

The default is what conversion to Sumo Logic uses: pySigma's Sysmon pipeline, then this
project's, which AND the event's `Channel` onto every Sysmon and Windows channel rule. Events
evaluated with the default therefore need `Channel`, as Windows events collected by Sumo have.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from sigma.processing.pipeline import ProcessingPipeline
from sigma.processing.resolver import ProcessingPipelineResolver

DEFAULT_PIPELINES: tuple[str, ...] = ("sysmon", "sumo_sysmon", "sumo_windows")


def known_pipelines() -> dict[str, Callable[[], ProcessingPipeline]]:
    """Pipelines by name: pySigma's Sysmon pipeline and this project's, when installed."""
    from sigma.pipelines.sysmon import sysmon_pipeline

    found: dict[str, Callable[[], ProcessingPipeline]] = {"sysmon": sysmon_pipeline}
    try:
        from sigma.pipelines.sumo import pipelines as sumo_pipelines
    except ImportError:
        return found
    found.update(sumo_pipelines)
    return found


def resolve_pipeline(names: Sequence[str]) -> ProcessingPipeline:
    """One pipeline from names (or YAML file paths), merged in priority order."""
    return ProcessingPipelineResolver(dict(known_pipelines())).resolve(list(names))
