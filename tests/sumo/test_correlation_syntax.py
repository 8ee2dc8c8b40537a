"""The checker reads the stages a correlation query is made of, and rejects them broken."""
import pytest

from tests.sumo import SumoSyntaxError, check_query, parse_query
from tests.sumo.nodes import (
    Aggregate,
    AggregateStage,
    Arithmetic,
    AssignStage,
    Call,
    Compare,
    Field,
    Number,
    ParseRegexStage,
    String,
    WhereStage,
)

SCOPE = "_sourceCategory=*sysmon*"

# The shape of a value_count correlation as the backend renders it, stage by stage:
# 1 json, 2 where, 3 phases, 4 parse regex, 5 window start, 6 aggregate, 7 where,
# 8 to 9 triage columns, 10 sort, 11 fields.
WINDOW_START = (
    "| _messageTime - ((_messageTime - num(window_phase) * 150000) % 300000) as window_start_ms"
)
CORRELATION = "\n".join((
    SCOPE,
    '| json field=_raw "EventData.QueryName", "EventData.Image", "Computer"'
    " as QueryName, Image, Computer nodrop",
    "| where !isNull(QueryName) and QueryName matches /^[0-9A-Za-z]{6,63}\\./",
    "// windows: fixed 5m windows starting every 2m30s",
    '| "0,1" as window_phases',
    '| parse regex field=window_phases "(?<window_phase>[0-1])" multi',
    WINDOW_START,
    "| count as event_count, min(_messageTime) as first_seen_ms, max(_messageTime)"
    " as last_seen_ms, count_distinct(QueryName) as value_count"
    " by window_phase, window_start_ms, Computer, Image",
    "| where value_count >= 4",
    '| formatDate(toLong(window_start_ms), "yyyy-MM-dd\'T\'HH:mm:ss.SSS\'Z\'", "UTC")'
    " as window_start",
    "| round((last_seen_ms - first_seen_ms) / max(event_count - 1, 1)) as avg_gap_ms",
    "| sort by last_seen_ms",
    "| fields window_start, Computer, Image, event_count, value_count, avg_gap_ms",
))


def stage(text: str) -> object:
    """The one stage of a query made of the scope and `text`."""
    return parse_query(f"{SCOPE}\n| {text}").stages[0]


def broken(old: str, new: str) -> str:
    """The correlation query with its one occurrence of `old` replaced."""
    assert CORRELATION.count(old) == 1, old
    return CORRELATION.replace(old, new)


def test_the_correlation_shape_passes() -> None:
    check_query(CORRELATION)


def test_multiplication_binds_tighter_than_subtraction() -> None:
    assert stage("_messageTime - num(window_phase) * 150000 as start") == AssignStage(
        Arithmetic(
            "-",
            Field("_messageTime"),
            Arithmetic("*", Call("num", (Field("window_phase"),)), Number("150000")),
        ),
        "start",
    )


def test_operators_of_equal_precedence_read_left_to_right() -> None:
    assert stage("a - b + c as x").expression == Arithmetic(
        "+", Arithmetic("-", Field("a"), Field("b")), Field("c")
    )
    assert stage("a / b * c as x").expression == Arithmetic(
        "*", Arithmetic("/", Field("a"), Field("b")), Field("c")
    )


def test_parentheses_decide_what_a_modulo_applies_to() -> None:
    assert stage("t - ((t - p * 150000) % 300000) as start").expression == Arithmetic(
        "-",
        Field("t"),
        Arithmetic(
            "%",
            Arithmetic("-", Field("t"), Arithmetic("*", Field("p"), Number("150000"))),
            Number("300000"),
        ),
    )


def test_arithmetic_reads_inside_comparisons_and_function_arguments() -> None:
    assert stage("where event_count - 1 >= 2") == WhereStage(
        Compare(">=", Arithmetic("-", Field("event_count"), Number("1")), Number("2"))
    )
    assert stage("if(seen = 1, _messageTime, _messageTime + 600000) as t").expression == Call(
        "if",
        (
            Compare("=", Field("seen"), Number("1")),
            Field("_messageTime"),
            Arithmetic("+", Field("_messageTime"), Number("600000")),
        ),
    )


def test_a_slash_divides_and_two_slashes_start_a_comment() -> None:
    query = parse_query(f"{SCOPE}\n| a / b as ratio // of a to b\n| where ratio > 1")

    assert query.stages[0] == AssignStage(Arithmetic("/", Field("a"), Field("b")), "ratio")
    assert len(query.stages) == 2


def test_a_string_literal_can_be_assigned_to_a_field() -> None:
    assert stage('"0,1" as window_phases') == AssignStage(String("0,1"), "window_phases")


def test_parse_regex_multi_extracts_its_named_groups_from_the_named_field() -> None:
    assert stage('parse regex field=window_phases "(?<window_phase>[0-1])" multi') == (
        ParseRegexStage("window_phases", "(?<window_phase>[0-1])", ("window_phase",), True)
    )


def test_a_parse_regex_pattern_keeps_its_backslashes_for_the_regex() -> None:
    parsed = stage('parse regex "port=(?<port>\\d+)"')

    assert parsed == ParseRegexStage(None, "port=(?<port>\\d+)", ("port",), False)


def test_max_of_two_values_is_a_function_and_of_one_field_an_aggregate() -> None:
    larger = Call("max", (Arithmetic("-", Field("n"), Number("1")), Number("1")))

    assert stage("round(a / max(n - 1, 1)) as gap").expression == Call(
        "round", (Arithmetic("/", Field("a"), larger),)
    )
    assert stage("max(_messageTime) as last by host") == AggregateStage(
        (Aggregate("max", (Field("_messageTime"),), "last"),), ("host",)
    )


def test_a_sum_of_aggregates_after_the_aggregation_reads_only_its_outputs() -> None:
    grouped = (
        f"{SCOPE}\n| 1 as match_a\n| 1 as match_b\n"
        "| max(match_a) as seen_a, max(match_b) as seen_b by _sourceHost"
    )

    check_query(grouped + "\n| seen_a + seen_b as rules_matched\n| where rules_matched = 2")
    with pytest.raises(SumoSyntaxError, match="'match_a', which the aggregation in stage 3"):
        check_query(grouped + "\n| match_a + seen_b as rules_matched")


# Each breaks the correlation query in one place, with a piece of the message that says how.
BROKEN = {
    "arithmetic with two operators in a row": (
        broken("* 150000", "* * 150000"), "expected a value, found `*`"
    ),
    "arithmetic with nothing after an operator": (
        broken("* 150000)", "*)"), "expected a value, found `)`"
    ),
    "arithmetic with an unclosed parenthesis": (
        broken("max(event_count - 1, 1))", "max(event_count - 1, 1)"),
        "expected `)` closing the argument list, found `as`",
    ),
    "modulo next to subtraction without parentheses": (
        broken("((_messageTime", "(_messageTime").replace("150000) %", "150000 %"),
        "`%` next to other arithmetic without parentheses",
    ),
    "arithmetic on a string": (
        broken("num(window_phase) * 150000", '"0" * 150000'), "an operand of `*` is a string"
    ),
    "arithmetic on a condition": (
        broken("num(window_phase) * 150000", "(window_phase = 1) * 150000"),
        "an operand of `*` is a boolean expression",
    ),
    "arithmetic on text": (
        broken("num(window_phase)", "toLowerCase(window_phase)"),
        "an operand of `*` is text from `toLowerCase`",
    ),
    "aggregate reading an undefined field": (
        broken("count_distinct(QueryName)", "count_distinct(QueryNames)"),
        "stage 6 reads the field 'QueryNames', which no earlier stage defines",
    ),
    "group-by field never extracted": (
        broken("Computer, Image\n", "Computer, Image, User\n"),
        "stage 6 reads the field 'User', which no earlier stage defines",
    ),
    "where after the aggregation reading a field it dropped": (
        broken("where value_count >= 4", 'where QueryName = "x"'),
        "stage 7 reads the field 'QueryName', which the aggregation in stage 6 does not keep",
    ),
    "triage column reading a field the aggregation dropped": (
        broken("toLong(window_start_ms)", "toLong(_messageTime)"),
        "'_messageTime', which the aggregation in stage 6 does not keep",
    ),
    "sort by a column no stage computes": (
        broken("sort by last_seen_ms", "sort by last_seen"),
        "stage 10 reads the field 'last_seen', which no earlier stage defines",
    ),
    "where after the fields list reading a column it left out": (
        CORRELATION + "\n| where last_seen_ms > 0",
        "stage 12 reads the field 'last_seen_ms', which the `fields` list in stage 11 does not "
        "keep",
    ),
    "aggregate of an expression": (
        broken("count_distinct(QueryName)", "count_distinct(num(QueryName))"),
        "`count_distinct` aggregates a field, not an expression",
    ),
    "percentile that is not a number": (
        broken("count_distinct(QueryName)", "pct(QueryName, Image)"),
        "`pct` takes a field, then percentiles as plain numbers",
    ),
    "unknown function": (broken("round(", "floor("), "`floor` is not a function"),
    "max with one argument outside an aggregation": (
        broken("max(event_count - 1, 1)", "max(event_count)"), "`max` takes 2 arguments, not 1"
    ),
    "aggregate used as a function": (
        broken("max(event_count - 1, 1)", "count(event_count)"), "`count` is not a function"
    ),
    "if whose condition is not boolean": (
        broken('| "0,1" as window_phases', '| if(Image, "0,1", "0") as window_phases'),
        "the first argument of `if` is not a boolean expression",
    ),
    "unterminated block comment": (
        broken("// windows:", "| /* windows:"), "unterminated `/*` comment"
    ),
    "block comment": (
        broken("// windows: fixed 5m windows starting every 2m30s", "| /* windows */ 1 as w"),
        "the backend writes only `//` comments",
    ),
    "unterminated regex literal": (
        broken("{6,63}\\./", "{6,63}\\."), "unterminated regex literal"
    ),
    "unterminated parse regex string": (
        broken('[0-1])" multi', "[0-1]) multi"), "unterminated string"
    ),
    "parse regex pattern with an unclosed group": (
        broken("(?<window_phase>[0-1])", "(?<window_phase>[0-1]"), "not RE2: invalid"
    ),
    "parse regex without a named group": (
        broken("(?<window_phase>[0-1])", "[0-1]"), "at least one named group"
    ),
    "parse regex with an unnamed capturing group": (
        broken("(?<window_phase>[0-1])", "(?<window_phase>[0-1])([0-1])"),
        "no unnamed capturing group",
    ),
    "parse regex with nested named groups": (
        broken("(?<window_phase>[0-1])", "(?<window_phase>(?<digit>[0-1]))"),
        "named group inside another",
    ),
    "parse regex group name ending in an underscore": (
        broken("(?<window_phase>[0-1])", "(?<window_phase_>[0-1])"),
        "must start and end with a letter or digit",
    ),
    "parse without regex": (broken("parse regex field", "parse field"), "expected `regex`"),
    "parse regex with nodrop": (
        broken("[0-1])\" multi", "[0-1])\" nodrop"), "unexpected `nodrop`"
    ),
    "parse regex reading a field nothing defines": (
        broken("field=window_phases", "field=phases"),
        "stage 4 reads the field 'phases', which no earlier stage defines",
    ),
}


@pytest.mark.parametrize(("query", "reason"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_correlation_query_is_rejected_for_what_breaks_in_it(
    query: str, reason: str
) -> None:
    with pytest.raises(SumoSyntaxError) as raised:
        check_query(query)

    assert reason in raised.value.message


def test_a_parse_regex_error_points_into_the_pattern() -> None:
    text = broken("(?<window_phase>[0-1])", "(?<window_phase>[0-1])(x)")

    with pytest.raises(SumoSyntaxError) as raised:
        check_query(text)

    assert text[raised.value.offset :].startswith('(x)" multi')


@pytest.mark.parametrize(
    "position", [i for i, char in enumerate(WINDOW_START) if char in "()*%-" and i > 1]
)
def test_deleting_any_operator_or_parenthesis_of_the_window_start_breaks_the_query(
    position: int,
) -> None:
    damaged = WINDOW_START[:position] + WINDOW_START[position + 1 :]

    with pytest.raises(SumoSyntaxError):
        check_query(broken(WINDOW_START, damaged))
