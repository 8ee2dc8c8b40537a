"""Processing pipelines that tell the Sumo Logic backend how events are laid out and scoped."""
from .json_events import sumo_json_pipeline
from .sysmon import sumo_sysmon_pipeline
from .windows import sumo_windows_pipeline

pipelines = {
    "sumo_sysmon": sumo_sysmon_pipeline,
    "sumo_windows": sumo_windows_pipeline,
    "sumo_json": sumo_json_pipeline,
}
__all__ = ["pipelines"]
