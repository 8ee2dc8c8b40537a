"""The Sumo Logic search backend."""
import logging
from dataclasses import dataclass
from typing import Any, Callable, ClassVar

from sigma.collection import SigmaCollection
from sigma.conversion.base import TextQueryBackend
from sigma.conversion.state import ConversionState
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaBackendError, SigmaConversionError, SigmaError
from sigma.rule import SigmaRule

from .conditions import ConditionRenderer, Node
from .correlation import correlation_fields, render_correlation
from .correlation_columns import with_extracted
from .expressions import render
from .layouts import LAYOUT_STATE, SCOPE_STATE, UnknownLogsourceError, json_path
from .ordering import references_first
from .rule_checks import finishing_pipeline, name_rule
from .saved_search import saved_search, saved_search_folder
from .search import FieldExtraction, SumoSearch, check_query_length

logger = logging.getLogger(__name__)

Query = Any
Callback = Callable[[SigmaRule | SigmaCorrelationRule, str | None, int, Any, Any], Any]


@dataclass(frozen=True)
class WhereClause:
    """A converted condition before the rule's pipeline state gives it a scope and JSON paths."""

    condition: str
    fields: tuple[tuple[str, str], ...]


class SumoLogicBackend(TextQueryBackend):
    """Sumo Logic log search: a scope, a `json` stage, then a `where` stage per rule.

    A Sumo processing pipeline (`sumo_sysmon`, `sumo_windows`, `sumo_json`) must say how the
    events of each rule's log source are laid out; rules without one fail with an error.
    """

    name: ClassVar[str] = "Sumo Logic search"
    identifier: ClassVar[str] = "sumo"
    formats: ClassVar[dict[str, str]] = {
        "default": "Sumo Logic log-search query text",
        "savedsearch": "Sumo Logic Library import JSON: a folder with one saved search per rule",
    }
    requires_pipeline: ClassVar[bool] = True
    correlation_methods: ClassVar[dict[str, str]] = {
        "default": "one query over the base rules' events, counted in fixed windows at two phases"
    }
    default_correlation_method: ClassVar[str] = "default"

    def convert(
        self,
        rule_collection: SigmaCollection,
        output_format: str | None = None,
        correlation_method: str | None = None,
        callback: Callback | None = None,
    ) -> Any:
        """Convert a collection, each correlation after the rules it references."""
        output_format = output_format or self.default_format
        self.init_processing_pipeline(output_format)
        rule_collection.resolve_rule_references()
        queries = []
        for rule in references_first(rule_collection.rules):
            if isinstance(rule, SigmaCorrelationRule):
                queries += self.convert_correlation_rule(
                    rule, output_format, correlation_method, callback
                )
            else:
                queries += self.convert_rule(rule, output_format, callback)
        return self.finalize(queries, output_format)

    def init_processing_pipeline(self, output_format: str | None = None) -> None:
        """Combine the pipelines, then resolve placeholders and check quantifiers last."""
        super().init_processing_pipeline(output_format)
        self.last_processing_pipeline = self.last_processing_pipeline + finishing_pipeline()

    def convert_rule(
        self, rule: SigmaRule, output_format: str | None = None, callback: Callback | None = None
    ) -> list[Query]:
        """Convert one rule; every error raised for it names the rule."""
        reported = len(self.errors)
        try:
            queries = super().convert_rule(rule, output_format, callback)
            # A rule that a correlation references keeps its SumoSearch unfinished for the
            # correlation; when it is also output on its own, it is finalized here.
            output_format = output_format or self.default_format
            states = rule.get_conversion_states() if queries else []
            finalized = [
                self.finalize_query(rule, query, index, states[index], output_format)
                if isinstance(query, SumoSearch) else query
                for index, query in enumerate(queries)
            ]
        except SigmaError as error:
            name_rule(error, rule)
            if not self.collect_errors:
                raise
            self.errors.append((rule, error))
            finalized = []
        for rule_with_error, error in self.errors[reported:]:
            name_rule(error, rule_with_error)
            logger.info("skipped %s: %s", rule_with_error.source, error)
        return finalized

    def convert_correlation_rule(
        self,
        rule: SigmaCorrelationRule,
        output_format: str | None = None,
        method: str | None = None,
        callback: Callback | None = None,
    ) -> list[Query]:
        """Convert a correlation rule over the searches of the rules it references."""
        output_format = output_format or self.default_format
        try:
            if method not in (None, self.default_correlation_method):
                raise SigmaConversionError(
                    f"correlation method '{method}' is unknown; the Sumo backend has only "
                    f"'{self.default_correlation_method}'"
                )
            needed = correlation_fields(rule)
            searches = [
                (reference.reference, with_extracted(self.search_for(reference.rule),
                                                   needed.get(reference.reference, ()), rule))
                for reference in rule.rules
                if isinstance(reference.rule, SigmaRule)
            ]
            query = render_correlation(rule, searches)
            if callback is not None:
                query = callback(rule, output_format, 0, query, query)
            state = ConversionState()
            finalized = [self.finalize_query(rule, query, 0, state, output_format)]
            rule.set_conversion_result(finalized)
            return finalized
        except SigmaError as error:
            name_rule(error, rule)
            if self.collect_errors:
                self.errors.append((rule, error))
                logger.info("skipped %s: %s", rule.source, error)
                return []
            raise

    def convert_condition(self, cond: Node, state: ConversionState) -> WhereClause:
        """The `where` expression of one rule condition, with the fields it uses."""
        renderer = ConditionRenderer()
        condition = render(renderer.render(cond))
        return WhereClause(condition, tuple(renderer.fields.aliases.items()))

    def finish_query(
        self, rule: SigmaRule | SigmaCorrelationRule, query: Query, state: ConversionState
    ) -> Query:
        """Turn a converted condition into a SumoSearch using the layout and scope of the rule."""
        if not isinstance(query, WhereClause):
            return query
        layout = state.processing_state.get(LAYOUT_STATE)
        if layout is None:
            raise UnknownLogsourceError(_unknown_logsource(rule))
        scope = state.processing_state.get(SCOPE_STATE, "*")
        extractions = tuple(
            FieldExtraction(json_path(layout, sigma_field), alias)
            for sigma_field, alias in query.fields
        )
        return SumoSearch(scope, extractions, query.condition, layout)

    def finalize_query_default(
        self, rule: SigmaRule, query: Query, index: int, state: ConversionState
    ) -> Query:
        """The query text of a rule; QueryTooLongError when it is longer than Sumo accepts."""
        text = query.render() if isinstance(query, SumoSearch) else query
        return check_query_length(text) if isinstance(text, str) else text

    def finalize_query_savedsearch(
        self, rule: SigmaRule | SigmaCorrelationRule, query: Query, index: int,
        state: ConversionState,
    ) -> dict[str, Any]:
        """One saved search holding the query text of a rule."""
        return saved_search(rule, self.finalize_query_default(rule, query, index, state))

    def finalize_output_savedsearch(self, queries: list[dict[str, Any]]) -> str:
        """The Library folder JSON holding every converted rule's saved search."""
        return saved_search_folder(queries)

    def finalize_output_default(self, queries: list[Query]) -> list[Query]:
        """One query text per rule, including rules that a correlation also uses."""
        return [query.render() if isinstance(query, SumoSearch) else query for query in queries]

    def search_for(self, rule: SigmaRule) -> SumoSearch:
        """The SumoSearch of `rule`, for rendering correlations over it.

        pySigma converts every rule that a correlation references before the correlation and
        keeps its unfinished result on the rule: that SumoSearch is returned. A rule not
        converted yet is converted here, which applies the processing pipeline to it.
        """
        try:
            converted = rule.get_conversion_result()
        except SigmaConversionError:
            if not hasattr(self, "last_processing_pipeline"):
                self.init_processing_pipeline()
            self.last_processing_pipeline.apply(rule)
            state = ConversionState(processing_state=dict(self.last_processing_pipeline.state))
            condition = rule.detection.parsed_condition[0].parsed
            return self.finish_query(rule, self.convert_condition(condition, state), state)

        searches = [query for query in converted if isinstance(query, SumoSearch)]
        if len(searches) != 1:
            raise SigmaBackendError(
                f"rule '{rule.title}' ({rule.id}) has {len(searches)} Sumo searches, expected one: "
                "a rule must have exactly one condition, and must not have been finalized as text"
            )
        return searches[0]


def _unknown_logsource(rule: SigmaRule | SigmaCorrelationRule) -> str:
    """The message for a rule whose log source no Sumo pipeline handles."""
    logsource = getattr(rule, "logsource", None)
    described = ", ".join(
        f"{key}={value}"
        for key in ("product", "category", "service")
        if logsource is not None and (value := getattr(logsource, key)) is not None
    )
    return (
        f"no Sumo pipeline handles log source ({described or 'empty'}); use -p sysmon -p "
        "sumo_sysmon for Sysmon categories, -p sumo_windows for Windows channels, or -p sumo_json"
    )
