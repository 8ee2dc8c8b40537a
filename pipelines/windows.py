"""Windows event channels other than Sysmon, collected as Windows Event Log JSON."""
from dataclasses import dataclass, field

from sigma.backends.sumo.layouts import LAYOUT_STATE, SCOPE_STATE, WINDOWS_EVENTLOG
from sigma.conditions import SigmaCondition
from sigma.correlations import SigmaCorrelationRule
from sigma.pipelines.common import windows_logsource_mapping
from sigma.processing.conditions import LogsourceCondition
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations.base import ConditionTransformation
from sigma.rule import SigmaDetection, SigmaRule

from .state import PRIORITY, SUMO_BACKENDS

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


@dataclass(frozen=True)
class ChannelEvents:
    """The events of one Windows log source: its channels (none: every one), event id, scope."""

    channels: tuple[str, ...]
    event_id: int | None
    scope: str

    def condition(self) -> dict[str, str | int | list[str]]:
        """The detection a rule of this log source must also match; empty for every channel."""
        condition: dict[str, str | int | list[str]] = {}
        if self.channels:
            condition["Channel"] = self.channels[0] if len(self.channels) == 1 else list(
                self.channels)
        if self.event_id is not None:
            condition["EventID"] = self.event_id
        return condition


@dataclass
class WindowsChannelTransformation(ConditionTransformation):
    """Gives a Windows rule the layout and scope of its log source and requires its channel.

    The log source is looked up by service, then by category; `product: windows` alone has
    the key (None, None). A rule of any other log source is left alone, so the backend
    reports it as unknown. One lookup replaces a processing item per log source, which pySigma
    would otherwise match against every rule.
    """

    services: dict[str, ChannelEvents] = field(default_factory=dict)
    categories: dict[str, ChannelEvents] = field(default_factory=dict)
    windows_only: ChannelEvents | None = None
    name: str = "_sumo_windows_channel"

    def events_of(self, rule: SigmaRule) -> ChannelEvents | None:
        """The events the rule's log source stands for, if it is a known Windows one."""
        logsource = rule.logsource
        if logsource.service is not None:
            return self.services.get(logsource.service)
        if logsource.category is not None:
            return self.categories.get(logsource.category)
        return self.windows_only

    def apply(self, rule: SigmaRule | SigmaCorrelationRule) -> None:
        """Set layout and scope, then AND the channel condition to every rule condition."""
        if not isinstance(rule, SigmaRule) or self._pipeline is None:
            return
        events = self.events_of(rule)
        if events is None:
            return

        self._pipeline.state[LAYOUT_STATE] = WINDOWS_EVENTLOG
        self._pipeline.state[SCOPE_STATE] = events.scope
        condition = events.condition()
        if not condition:
            return
        rule.detection.detections[self.name] = SigmaDetection.from_definition(condition)
        self.processing_item_applied(rule.detection.detections[self.name])
        super().apply(rule)

    def apply_condition(self, cond: SigmaCondition) -> None:
        """The rule condition, and also the channel condition."""
        cond.condition = f"{self.name} and ({cond.condition})" if cond.condition else self.name


def service_channels() -> dict[str, tuple[str, ...]]:
    """The channels of each Windows service, as pySigma's shared table lists them."""
    return {
        service: tuple(channels) if isinstance(channels, list) else (channels,)
        for service, channels in windows_logsource_mapping.items()
        if service not in OTHER_PIPELINES
    }


def sumo_windows_pipeline() -> ProcessingPipeline:
    """Rules of Windows channels: layout, scope, and the channel (and event id) they read.

    Every service in pySigma's table of Windows channels, the PowerShell categories, and
    `product: windows` alone, which searches every channel without a channel condition.
    """
    transformation = WindowsChannelTransformation(
        services={
            service: ChannelEvents(channels, None, WINDOWS_SCOPE)
            for service, channels in service_channels().items()
        },
        categories={
            category: ChannelEvents((channel,), event_id, WINDOWS_SCOPE)
            for category, (channel, event_id) in WINDOWS_CATEGORY_EVENTS.items()
        },
        windows_only=ChannelEvents((), None, ALL_WINDOWS_SCOPE),
    )
    return ProcessingPipeline(
        name="Windows channels in Sumo Logic (Windows Event Log JSON)",
        priority=PRIORITY,
        items=[
            ProcessingItem(
                identifier="sumo_windows_channels",
                transformation=transformation,
                rule_conditions=[LogsourceCondition(product="windows")],
            )
        ],
        allowed_backends=SUMO_BACKENDS,
    )
