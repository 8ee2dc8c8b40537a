"""Processing items that set the pipeline state the Sumo Logic backend reads."""
from sigma.backends.sumo.layouts import LAYOUT_STATE, SCOPE_STATE
from sigma.processing.conditions import LogsourceCondition
from sigma.processing.pipeline import ProcessingItem
from sigma.processing.transformations import SetStateTransformation, Transformation

SUMO_BACKENDS = frozenset({"sumo"})
PRIORITY = 20


def for_logsource(
    identifier: str, transformation: Transformation, logsource: dict[str, str] | None
) -> ProcessingItem:
    """A processing item applied to rules of the Windows log source `logsource` (None: all)."""
    conditions = [] if logsource is None else [LogsourceCondition(product="windows", **logsource)]
    return ProcessingItem(
        identifier=identifier, transformation=transformation, rule_conditions=conditions
    )


def layout_and_scope(
    name: str, layout: str, scope: str, logsource: dict[str, str] | None
) -> list[ProcessingItem]:
    """Items setting the event layout and the default scope for rules of `logsource`."""
    return [
        for_logsource(f"{name}_layout", SetStateTransformation(LAYOUT_STATE, layout), logsource),
        for_logsource(f"{name}_scope", SetStateTransformation(SCOPE_STATE, scope), logsource),
    ]
