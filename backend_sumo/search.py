"""The parts of one Sumo Logic log search, rendered in the order a Sumo user writes them."""
from dataclasses import dataclass

from sigma.exceptions import SigmaFeatureNotSupportedByBackendError

# "A query is limited to a maximum of 15,000 characters." (Sumo Logic, Search Syntax Overview:
# https://help.sumologic.com/docs/search/get-started-with-search/build-search/search-syntax-overview)
MAX_QUERY_CHARACTERS = 15000


class QueryTooLongError(SigmaFeatureNotSupportedByBackendError):
    """The query text of a rule is longer than Sumo accepts."""


def check_query_length(text: str) -> str:
    """The query text itself, or QueryTooLongError when Sumo would refuse it for its length."""
    if len(text) > MAX_QUERY_CHARACTERS:
        raise QueryTooLongError(
            f"query is {len(text)} characters, over Sumo's {MAX_QUERY_CHARACTERS:,} limit"
        )
    return text


@dataclass(frozen=True)
class FieldExtraction:
    """One JSON key pulled out of the raw message under the name the condition uses."""

    path: str
    name: str


@dataclass(frozen=True)
class SumoSearch:
    """Scope before the first pipe, a `json` stage, then a `where` stage.

    `condition` is a Sumo boolean expression over the extracted fields (and `_raw`), or None
    when the scope alone selects the events. `layout` names how the events are laid out, so
    that a correlation can extract the further fields it groups by.
    """

    scope: str
    extractions: tuple[FieldExtraction, ...]
    condition: str | None
    layout: str | None = None

    def json_stage(self) -> str | None:
        """The `json` stage that extracts every field the condition uses, keeping all messages."""
        if not self.extractions:
            return None
        paths = ", ".join(f'"{e.path}"' for e in self.extractions)
        names = ", ".join(e.name for e in self.extractions)
        return f"| json field=_raw {paths} as {names} nodrop"

    def render(self) -> str:
        """The whole search, one stage per line."""
        lines = [self.scope]
        json_stage = self.json_stage()
        if json_stage:
            lines.append(json_stage)
        if self.condition:
            lines.append(f"| where {self.condition}")
        return "\n".join(lines)
