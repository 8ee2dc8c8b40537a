"""pySigma backend that renders Sigma rules as Sumo Logic log-search queries."""
from .backend import SumoLogicBackend

__all__ = ["SumoLogicBackend"]
