"""Sysmon events collected by the Sumo Installed Collector as Windows Event Log JSON."""
from sigma.backends.sumo.layouts import WINDOWS_EVENTLOG
from sigma.processing.pipeline import ProcessingPipeline
from sigma.processing.transformations import AddConditionTransformation

from .state import PRIORITY, SUMO_BACKENDS, for_logsource, layout_and_scope

SYSMON_CHANNEL = "Microsoft-Windows-Sysmon/Operational"
# The source category is whatever the collector's owner chose; override it with a YAML
# pipeline of higher priority (see scope_override.yml).
SYSMON_SCOPE = "_sourceCategory=*sysmon*"


def sumo_sysmon_pipeline() -> ProcessingPipeline:
    """Rules for `service: sysmon` (what the `sysmon` pipeline makes of Sysmon categories).

    Sysmon event ids repeat ids of other channels, so the rule also requires the Sysmon channel.
    """
    sysmon = {"service": "sysmon"}
    channel = for_logsource(
        "sumo_sysmon_channel", AddConditionTransformation({"Channel": SYSMON_CHANNEL}), sysmon
    )
    return ProcessingPipeline(
        name="Sysmon events in Sumo Logic (Windows Event Log JSON)",
        priority=PRIORITY,
        items=layout_and_scope("sumo_sysmon", WINDOWS_EVENTLOG, SYSMON_SCOPE, sysmon) + [channel],
        allowed_backends=SUMO_BACKENDS,
    )
