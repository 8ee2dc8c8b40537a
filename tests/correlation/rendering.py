"""The backend's correlation query, refused when it is not Sumo syntax the checker accepts.

The correlation tests render through this function rather than the backend's own, so every
query they look at or run has passed `tests.sumo.check_query`.
"""
from sigma.backends.sumo.correlation import render_correlation as render_unchecked
from sigma.backends.sumo.search import SumoSearch
from sigma.correlations import SigmaCorrelationRule

from tests.sumo import check_query


def render_correlation(
    rule: SigmaCorrelationRule, searches: list[tuple[str, SumoSearch]]
) -> str:
    """The backend's query for the rule; raises SumoSyntaxError if the checker rejects it."""
    query = render_unchecked(rule, searches)
    check_query(query)
    return query
