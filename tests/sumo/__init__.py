"""A well-formedness checker for the Sumo Logic query text the backend emits."""
from .errors import SumoSyntaxError
from .parser import check_query, parse_query

__all__ = ["SumoSyntaxError", "check_query", "parse_query"]
