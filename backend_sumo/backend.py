"""The Sumo Logic search backend."""
from sigma.conversion.base import TextQueryBackend


class SumoLogicBackend(TextQueryBackend):
    """Sumo Logic log search."""

    name = "Sumo Logic search"
    identifier = "sumo"
