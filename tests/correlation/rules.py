"""Reading correlation rules for the tests: inline YAML, references resolved as sigma-cli does."""
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule

# 2023-11-14T22:00:00Z: a multiple of every timespan the tests use, so windows start here.
EDGE = 1_699_999_200_000
SECOND = 1000
MINUTE = 60 * SECOND


def correlation(yaml_text: str) -> SigmaCorrelationRule:
    """The correlation rule of a YAML collection (its last document), references resolved."""
    collection = SigmaCollection.from_yaml(yaml_text)
    collection.resolve_rule_references()
    rule = [r for r in collection.rules if isinstance(r, SigmaCorrelationRule)][-1]
    return rule
