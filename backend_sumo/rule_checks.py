"""Steps that run on every rule after all user pipelines, and the rule name in error messages."""
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sigma.conditions import ConditionSelector
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import (
    SigmaConditionError,
    SigmaError,
    SigmaFeatureNotSupportedByBackendError,
)
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations import ValueListPlaceholderTransformation
from sigma.processing.transformations.base import PreprocessingTransformation
from sigma.rule import SigmaDetection, SigmaRule
from sigma.types import Placeholder, SigmaRegularExpression, SigmaString

QUANTIFIER = re.compile(r"\b(1|any|all)\s+of\s+([^\s()]+)")


@dataclass
class RejectEmptyQuantifiers(PreprocessingTransformation):
    """Fails a rule whose condition has a `1 of x*` or `all of x*` that matches no detection.

    pySigma drops such a quantifier from the condition tree, which would silently change the
    meaning of the rule (`sel and not 1 of filter_*` would lose its filter).
    """

    def apply(self, rule: SigmaRule | SigmaCorrelationRule) -> None:
        """Raise SigmaConditionError naming the first quantifier that selects nothing."""
        super().apply(rule)
        if not isinstance(rule, SigmaRule):
            return
        for condition in rule.detection.condition:
            for match in QUANTIFIER.finditer(condition):
                selector = ConditionSelector([match.group(1), match.group(2)])
                if not selector.resolve_referenced_detections(rule.detection):
                    raise SigmaConditionError(
                        f"'{match.group(0)}' in condition '{condition}' selects no detection"
                    )


@dataclass
class PlaceholdersFromVars(ValueListPlaceholderTransformation):
    """Replaces each `%name%` placeholder with the values of the pipeline variable `name`.

    A placeholder no pipeline defines is a site-specific list Sumo cannot know, so the rule is
    unsupported until the user defines it; any other query would search for something else.
    """

    def apply_detection(self, detection: SigmaDetection) -> None:
        """Replace the placeholders of a detection; one without any is left alone, unvisited."""
        if _holds_placeholder(detection):
            super().apply_detection(detection)

    def placeholder_replacements(self, p: Placeholder) -> Iterable[SigmaString]:
        """The values of the variable named like the placeholder."""
        if self._pipeline is None or p.name not in self._pipeline.vars:
            raise SigmaFeatureNotSupportedByBackendError(
                f"placeholder %{p.name}% has no value: define it in the vars of a pipeline"
            )
        return super().placeholder_replacements(p)


def _holds_placeholder(detection: SigmaDetection) -> bool:
    """Whether any value of the detection, nested detections included, has a placeholder."""
    for item in detection.detection_items:
        if isinstance(item, SigmaDetection):
            if _holds_placeholder(item):
                return True
            continue
        for value in item.value:
            if isinstance(value, (SigmaString, SigmaRegularExpression)) and (
                value.contains_placeholder()
            ):
                return True
    return False


def finishing_pipeline() -> ProcessingPipeline:
    """Placeholders from pipeline vars (an error names a missing one), then quantifier checks."""
    return ProcessingPipeline(
        name="Sumo Logic backend checks",
        priority=1000,
        items=[
            ProcessingItem(
                identifier="sumo_placeholders_from_vars",
                transformation=PlaceholdersFromVars(),
            ),
            ProcessingItem(
                identifier="sumo_reject_empty_quantifiers",
                transformation=RejectEmptyQuantifiers(),
            ),
        ],
    )


def name_rule(error: SigmaError, rule: SigmaRule | SigmaCorrelationRule) -> SigmaError:
    """Prefix the error message with the rule's title and id (once), keeping its type."""
    prefix = f"Rule '{rule.title}' ({rule.id or 'no id'}): "
    if error.args and isinstance(error.args[0], str) and not error.args[0].startswith(prefix):
        error.args = (prefix + error.args[0].replace("\n", " "),) + error.args[1:]
    return error
