"""Every Sumo query checked into `conversions/` is syntax the checker accepts."""
import json
from pathlib import Path

import pytest

from tests.sumo import check_query

CONVERSIONS = Path(__file__).resolve().parent.parent.parent / "conversions"

# What a conversion file holds instead of a query when the backend refused the rule.
NOT_CONVERTED = "not converted: "


def _text_queries(path: Path) -> list[str]:
    """The queries of one `conversions/sumo/` file: several are separated by a blank line."""
    text = path.read_text(encoding="utf-8").rstrip("\n")
    return [] if text.startswith(NOT_CONVERTED) else text.split("\n\n")


def _saved_search_queries(path: Path) -> list[str]:
    """The query text of every saved search in one `conversions/sumo-savedsearch/` folder."""
    text = path.read_text(encoding="utf-8")
    if text.startswith(NOT_CONVERTED):
        return []
    folder = json.loads(text)
    return [child["search"]["queryText"] for child in folder["children"]]


def _shipped_queries() -> list[pytest.param]:
    params = []
    readers = {"sumo": _text_queries, "sumo-savedsearch": _saved_search_queries}
    for target, read in readers.items():
        for path in sorted((CONVERSIONS / target).glob("*")):
            queries = read(path)
            if not queries:
                params.append(pytest.param(None, id=f"{target}/{path.name}"))
            for number, query in enumerate(queries, start=1):
                suffix = f"#{number}" if len(queries) > 1 else ""
                params.append(pytest.param(query, id=f"{target}/{path.name}{suffix}"))
    return params


SHIPPED = _shipped_queries()


def test_the_conversions_hold_correlation_queries_in_both_formats() -> None:
    names = [param.id for param in SHIPPED if param.values[0] is not None]

    assert any(n.startswith("sumo/correlation_") for n in names)
    assert any(n.startswith("sumo-savedsearch/correlation_") for n in names)


@pytest.mark.parametrize("query", SHIPPED)
def test_a_shipped_query_passes_the_syntax_check(query: str | None) -> None:
    if query is None:
        pytest.skip("the backend did not convert this rule, so the file holds no query")

    check_query(query)
