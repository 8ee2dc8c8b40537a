"""Windows event channels other than Sysmon, collected as Windows Event Log JSON."""
from dataclasses import dataclass

from sigma.backends.sumo.layouts import LAYOUT_STATE, SCOPE_STATE, WINDOWS_EVENTLOG
from sigma.correlations import SigmaCorrelationRule
from sigma.pipelines.common import windows_logsource_mapping
from sigma.processing.conditions import RuleProcessingCondition
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations import AddConditionTransformation, SetStateTransformation
from sigma.rule import SigmaRule

from .state import PRIORITY, SUMO_BACKENDS, for_logsource, layout_and_scope

POWERSHELL = "Microsoft-Windows-PowerShell/Operational"
POWERSHELL_CLASSIC = "Windows PowerShell"
# The source category is whatever the collector's owner chose; override it with a YAML
# pipeline of higher priority (see scope_override.yml).
WINDOWS_SCOPE = "_sourceCategory=*windows*"
# A rule of `product: windows` alone reads every channel, Sysmon's included.
ALL_WINDOWS_SCOPE = "(_sourceCategory=*windows* or _sourceCategory=*sysmon*)"

# Services handled elsewhere: Sysmon by sumo_sysmon, whose scope and channel differ.
OTHER_PIPELINES = frozenset({"sysmon"})

# Categories of product windows that are events of one channel with one event id.
WINDOWS_CATEGORY_EVENTS: dict[str, tuple[str, int]] = {
    "ps_script": (POWERSHELL, 4104),
    "ps_module": (POWERSHELL, 4103),
    "ps_classic_start": (POWERSHELL_CLASSIC, 400),
    "ps_classic_provider_start": (POWERSHELL_CLASSIC, 600),
    "ps_classic_script": (POWERSHELL_CLASSIC, 800),
}


@dataclass
class WindowsOnlyLogsource(RuleProcessingCondition):
    """Matches a rule whose log source is `product: windows` with no category and no service."""

    def match(self, rule: SigmaRule | SigmaCorrelationRule) -> bool:
        """Whether the rule names the Windows product and nothing narrower."""
        if not isinstance(rule, SigmaRule):
            return False
        logsource = rule.logsource
        return (
            logsource.product == "windows"
            and logsource.category is None
            and logsource.service is None
        )


def service_channels() -> dict[str, list[str]]:
    """The channels of each Windows service, as pySigma's shared table lists them."""
    return {
        service: channels if isinstance(channels, list) else [channels]
        for service, channels in windows_logsource_mapping.items()
        if service not in OTHER_PIPELINES
    }


def sumo_windows_pipeline() -> ProcessingPipeline:
    """Rules of Windows channels: layout, scope, and the channel (and event id) they read.

    Every service in pySigma's table of Windows channels, the PowerShell categories, and
    `product: windows` alone, which searches every channel without a channel condition.
    """
    items: list[ProcessingItem] = []
    for service, channels in service_channels().items():
        items += _channel_items(f"sumo_windows_{_identifier(service)}", {"service": service},
                                {"Channel": channels if len(channels) > 1 else channels[0]})

    for category, (channel, event_id) in WINDOWS_CATEGORY_EVENTS.items():
        items += _channel_items(f"sumo_windows_{category}", {"category": category},
                                {"Channel": channel, "EventID": event_id})

    items += [
        ProcessingItem(identifier=f"sumo_windows_any_{name}", rule_conditions=[WindowsOnlyLogsource()],
                       transformation=SetStateTransformation(key, value))
        for name, key, value in (
            ("layout", LAYOUT_STATE, WINDOWS_EVENTLOG), ("scope", SCOPE_STATE, ALL_WINDOWS_SCOPE)
        )
    ]
    return ProcessingPipeline(
        name="Windows channels in Sumo Logic (Windows Event Log JSON)",
        priority=PRIORITY,
        items=items,
        allowed_backends=SUMO_BACKENDS,
    )


def _channel_items(
    name: str, logsource: dict[str, str], condition: dict[str, str | int | list[str]]
) -> list[ProcessingItem]:
    """Layout, scope and the added channel condition for rules of one Windows log source."""
    items = layout_and_scope(name, WINDOWS_EVENTLOG, WINDOWS_SCOPE, logsource)
    transformation = AddConditionTransformation(condition)
    items.append(for_logsource(f"{name}_channel", transformation, logsource))
    return items


def _identifier(name: str) -> str:
    """A log source name as part of a processing item identifier."""
    return name.replace("-", "_")
