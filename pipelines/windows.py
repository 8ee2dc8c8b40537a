"""Windows event channels other than Sysmon, collected as Windows Event Log JSON."""
from sigma.backends.sumo.layouts import WINDOWS_EVENTLOG
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations import AddConditionTransformation

from .state import PRIORITY, SUMO_BACKENDS, for_logsource, layout_and_scope

POWERSHELL = "Microsoft-Windows-PowerShell/Operational"
POWERSHELL_CLASSIC = "Windows PowerShell"
# The source category is whatever the collector's owner chose; override it with a YAML
# pipeline of higher priority (see scope_override.yml).
WINDOWS_SCOPE = "_sourceCategory=*windows*"

# Sigma log source (service or category of product windows) -> channel and event id.
WINDOWS_LOGSOURCE_CHANNELS: dict[tuple[str, str], tuple[str, int | None]] = {
    ("service", "security"): ("Security", None),
    ("service", "system"): ("System", None),
    ("service", "application"): ("Application", None),
    ("service", "powershell"): (POWERSHELL, None),
    ("service", "powershell-classic"): (POWERSHELL_CLASSIC, None),
    ("service", "windefend"): ("Microsoft-Windows-Windows Defender/Operational", None),
    ("service", "taskscheduler"): ("Microsoft-Windows-TaskScheduler/Operational", None),
    ("service", "wmi"): ("Microsoft-Windows-WMI-Activity/Operational", None),
    ("category", "ps_script"): (POWERSHELL, 4104),
    ("category", "ps_module"): (POWERSHELL, 4103),
    ("category", "ps_classic_start"): (POWERSHELL_CLASSIC, 400),
    ("category", "ps_classic_provider_start"): (POWERSHELL_CLASSIC, 600),
    ("category", "ps_classic_script"): (POWERSHELL_CLASSIC, 800),
}


def sumo_windows_pipeline() -> ProcessingPipeline:
    """Rules for the Windows channels above: layout, scope, and the channel (and event id)."""
    items: list[ProcessingItem] = []
    for (kind, value), (channel, event_id) in WINDOWS_LOGSOURCE_CHANNELS.items():
        logsource = {kind: value}
        condition: dict[str, str | int] = {"Channel": channel}
        if event_id is not None:
            condition["EventID"] = event_id
        name = f"sumo_windows_{value.replace('-', '_')}"
        items += layout_and_scope(name, WINDOWS_EVENTLOG, WINDOWS_SCOPE, logsource)
        transformation = AddConditionTransformation(condition)
        items.append(for_logsource(f"{name}_channel", transformation, logsource))
    return ProcessingPipeline(
        name="Windows channels in Sumo Logic (Windows Event Log JSON)",
        priority=PRIORITY,
        items=items,
        allowed_backends=SUMO_BACKENDS,
    )
