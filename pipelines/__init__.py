"""Processing pipelines for Windows events as Sumo Logic stores them."""
from sigma.processing.pipeline import ProcessingPipeline


def sumo_sysmon_pipeline() -> ProcessingPipeline:
    """Sysmon events collected as Windows Event Log JSON."""
    return ProcessingPipeline(name="Sysmon in Sumo Logic", priority=20, items=[])


pipelines = {"sumo_sysmon": sumo_sysmon_pipeline}
__all__ = ["pipelines"]
