"""The Sumo syntax checker accepts the query shapes the backend writes and rejects broken text."""
import pytest

from tests.sumo import SumoSyntaxError, check_query, parse_query
from tests.sumo.nodes import (
    AggregateStage,
    And,
    AssignStage,
    Call,
    Compare,
    Field,
    FieldsStage,
    In,
    JsonStage,
    Matches,
    Not,
    Or,
    Regex,
    ScopeAnd,
    ScopeNot,
    ScopeOr,
    ScopeTerm,
    SortStage,
    String,
    TimesliceStage,
    WhereStage,
)

SCOPE = "_sourceCategory=*sysmon*"


def where(condition: str) -> str:
    return f"{SCOPE}\n| where {condition}"


def test_a_rule_search_parses_into_scope_json_and_where() -> None:
    query = parse_query(
        f"{SCOPE}\n"
        '| json field=_raw "EventID", "EventData.Image" as EventID, Image nodrop\n'
        '| where EventID = "1" and Image matches /(?i)^.*\\x{5c}cmd\\x{2e}exe$/'
    )

    assert query.scope == ScopeTerm("*sysmon*", quoted=False, field="_sourceCategory")
    json_stage, where_stage = query.stages
    assert json_stage == JsonStage("_raw", ("EventID", "EventData.Image"), ("EventID", "Image"),
                                   nodrop=True)
    assert where_stage == WhereStage(And((
        Compare("=", Field("EventID"), String("1")),
        Matches(Field("Image"), Regex("(?i)^.*\\x{5c}cmd\\x{2e}exe$")),
    )))


def test_parentheses_group_an_and_inside_an_or() -> None:
    condition = parse_query(where('a = "1" or (b = "2" and c = "3")')).stages[0].condition

    assert condition == Or((
        Compare("=", Field("a"), String("1")),
        And((Compare("=", Field("b"), String("2")), Compare("=", Field("c"), String("3")))),
    ))


def test_negation_applies_to_a_parenthesised_condition_or_a_call() -> None:
    condition = parse_query(where('!(a = "1") and !isNull(b) and not isEmpty(c)')).stages[0]

    assert condition == WhereStage(And((
        Not(Compare("=", Field("a"), String("1"))),
        Not(Call("isNull", (Field("b"),))),
        Not(Call("isEmpty", (Field("c"),))),
    )))


def test_in_takes_a_list_of_strings_and_numbers() -> None:
    condition = parse_query(where('EventID in ("1", "4688", 7)')).stages[0].condition

    assert isinstance(condition, In)
    assert [getattr(v, "value", getattr(v, "text", None)) for v in condition.values] == [
        "1", "4688", "7"
    ]


def test_a_quoted_field_name_reads_as_a_field() -> None:
    condition = parse_query(where('%"c-uri" = "/x"')).stages[0].condition

    assert condition == Compare("=", Field("c-uri"), String("/x"))


def test_a_backslash_escapes_the_next_character_of_a_string() -> None:
    condition = parse_query(where('a = "say \\"hi\\" \\\\ bye"')).stages[0].condition

    assert condition == Compare("=", Field("a"), String('say "hi" \\ bye'))


def test_a_slash_escaped_inside_a_regex_literal_does_not_end_it() -> None:
    condition = parse_query(where("a matches /x\\/y/")).stages[0].condition

    assert condition == Matches(Field("a"), Regex("x\\/y"))


def test_comment_lines_are_ignored() -> None:
    query = parse_query(f'// rule: Test\n{SCOPE} // scope\n// between stages\n| where a = "//x"')

    assert query.stages == (WhereStage(Compare("=", Field("a"), String("//x"))),)


def test_the_scope_reads_keywords_with_not_and_or_and_implicit_and() -> None:
    query = parse_query('_index=win NOT "bad thing" (alpha OR beta*)\n| where a = "1"')

    assert query.scope == ScopeAnd((
        ScopeTerm("win", quoted=False, field="_index"),
        ScopeNot(ScopeTerm("bad thing", quoted=True)),
        ScopeOr((ScopeTerm("alpha", quoted=False), ScopeTerm("beta*", quoted=False))),
    ))


def test_a_correlation_search_parses_every_stage() -> None:
    query = parse_query(
        f"{SCOPE}\n"
        '| json field=_raw "EventData.Image" as Image nodrop\n'
        '| where Image matches "*\\\\powershell.exe"\n'
        "| timeslice 5m\n"
        "| count as event_count, count_distinct(Image) as images, min(_messagetime) as first_seen"
        " by _timeslice, %\"Computer-Name\"\n"
        "| where event_count >= 10\n"
        '| formatDate(toLong(first_seen), "yyyy-MM-dd HH:mm:ss") as first_seen_text\n'
        "| if(images > 1, 1, 0) as many\n"
        "| round(event_count, 1) as rounded\n"
        "| sort by event_count desc, images\n"
        "| fields _timeslice, event_count, images"
    )

    kinds = [type(stage) for stage in query.stages]
    assert kinds == [JsonStage, WhereStage, TimesliceStage, AggregateStage, WhereStage,
                     AssignStage, AssignStage, AssignStage, SortStage, FieldsStage]
    aggregates = query.stages[3]
    assert [a.function for a in aggregates.aggregates] == ["count", "count_distinct", "min"]
    assert aggregates.group_by == ("_timeslice", "Computer-Name")


def test_pct_takes_a_field_and_a_percentile() -> None:
    stage = parse_query(f"{SCOPE}\n| pct(duration, 95) as p95 by host").stages[0]

    assert stage.aggregates[0].function == "pct"
    assert len(stage.aggregates[0].arguments) == 2


def test_cidr_and_numeric_functions_parse_as_calls() -> None:
    check_query(
        f'{SCOPE}\n| json "EventData.DestinationIp", "EventData.DestinationPort" as ip, port\n'
        '| where compareCIDRPrefix("10.0.0.0", ip, "8") and num(port) > -1'
    )


def test_a_field_no_json_stage_extracts_cannot_be_read() -> None:
    with pytest.raises(SumoSyntaxError) as raised:
        check_query(f'{SCOPE}\n| json "EventData.Image" as Image\n| where CommandLine = "x"')

    assert raised.value.message == (
        "stage 2 reads the field 'CommandLine', which no earlier stage defines"
    )
    assert raised.value.location() == (3, 9)


def test_built_in_fields_and_extracted_fields_can_be_read_in_any_case() -> None:
    check_query(
        f'{SCOPE}\n| json "EventData.Image" as Image\n'
        '| where image = "x" and _raw matches "*x*" and _messageTime > 0'
    )


def test_after_grouping_only_the_group_fields_and_aggregates_remain() -> None:
    grouped = f'{SCOPE}\n| json "Image", "Computer" as Image, Computer\n| count by Image'

    check_query(grouped + "\n| where _count > 5 and Image = \"x\"")
    with pytest.raises(SumoSyntaxError, match="reads the field 'Computer'"):
        check_query(grouped + '\n| where Computer = "x"')


def test_timeslice_defines_its_field_for_the_stages_after_it() -> None:
    check_query(f"{SCOPE}\n| timeslice 1h\n| count as n by _timeslice\n| sort by _timeslice")
    with pytest.raises(SumoSyntaxError, match="reads the field '_timeslice'"):
        check_query(f"{SCOPE}\n| count as n by _timeslice")


# Each broken query is named after what breaks in it, with a piece of the message that says so.
BROKEN = {
    "unterminated string": (where('Image = "cmd.exe'), "unterminated string"),
    "string whose closing quote is escaped": (where('Image = "cmd.exe\\"'), "unterminated string"),
    "unclosed parenthesis": (where('(Image = "a" or Image = "b"'), "expected `)`"),
    "extra closing parenthesis": (where('Image = "a")'), "unexpected `)`"),
    "unterminated regex literal": (where("Image matches /cmd\\.exe"), "unterminated regex"),
    "regex literal ended early by a slash": (
        where("Image matches /c:/windows/"), "an unescaped `/` ends the literal"
    ),
    "regex flags after the literal": (where("Image matches /cmd/i"), "flags are written (?i)"),
    "regex with look-ahead": (where("Image matches /(?=cmd)c/"), "look-ahead"),
    "regex with a back-reference": (where("Image matches /(a)\\1/"), "back-reference"),
    "regex with a possessive quantifier": (where("Image matches /a++/"), "possessive"),
    "regex with an unbalanced group": (where("Image matches /(a|b/"), "missing )"),
    "regex literal outside matches": (where("Image = /cmd/"), "only follows `matches`"),
    "two where in one stage": (where('a = "1" where b = "2"'), "second `where`"),
    "unknown operator": (where('Image ~= "a"'), "unexpected character '~'"),
    "unknown function": (where('lower(Image) = "a"'), "`lower` is not a function"),
    "function with the wrong number of arguments": (where("isNull(a, b)"), "takes 1 argument"),
    "unknown stage operator": (f"{SCOPE}\n| eval x = 1", "`eval` is not a stage operator"),
    "Splunk stats": (f"{SCOPE}\n| stats count by Image", "`stats` is not a stage operator"),
    "empty scope": ('| where a = "1"', "scope before the first pipe is empty"),
    "empty stage": (f'{SCOPE}\n| | where a = "1"', "empty stage"),
    "scope with an unclosed parenthesis": (
        '(_sourceCategory=a OR b\n| where a = "1"', "closing the `(` of the scope"
    ),
    "scope field without a value": ('_sourceCategory=\n| where a = "1"', "needs a value"),
    "json names fewer keys than it extracts": (
        f'{SCOPE}\n| json "a", "b" as a nodrop', "extracts 2 keys but names 1"
    ),
    "json extracting two keys into one field": (
        f'{SCOPE}\n| json "a", "b" as x, X', "two keys into the field"
    ),
    "json key path with a space": (f'{SCOPE}\n| json "Event Data" as e', "malformed JSON key"),
    "json key path with an empty segment": (
        f'{SCOPE}\n| json "EventData..Image" as i', "malformed JSON key"
    ),
    "negation of a bare comparison": (where('!Image = "a"'), "must be followed by"),
    "condition that is not boolean": (where("Image"), "not a boolean expression"),
    "and with nothing on its right": (where('a = "1" and'), "nothing on its right"),
    "or of a non-boolean": (where('a = "1" or "b"'), "operand of `or` is not a boolean"),
    "chained comparison": (where('a = b = "c"'), "cannot be chained"),
    "and mixed with or without parentheses": (
        where('a = "1" or b = "2" and c = "3"'), "mixed without parentheses"
    ),
    "field in an in list": (where('a in (b, "c")'), "holds only strings and numbers"),
    "empty in list": (where("a in ()"), "expected a value"),
    "bare field name with two dots": (where('a..b = "1"'), "two dots"),
    "matches without a pattern": (where("a matches b"), "`matches` takes"),
    "timeslice without a unit": (f"{SCOPE}\n| timeslice 5", "not a time span"),
    "group by without fields": (f"{SCOPE}\n| count by", "a field to group by"),
    "aggregate with too many arguments": (
        f"{SCOPE}\n| count_distinct(a, b)", "`count_distinct` takes 1 argument"
    ),
    "assignment without a name": (
        f"{SCOPE}\n| if(a = 1, 1, 0) as", "name of the assigned field"
    ),
    "query over Sumo's length limit": (
        where(" or ".join(['a = "x"'] * 2200)), "over Sumo's limit of 15000"
    ),
}


@pytest.mark.parametrize(("query", "reason"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_query_is_rejected_for_what_breaks_in_it(query: str, reason: str) -> None:
    with pytest.raises(SumoSyntaxError) as raised:
        check_query(query)

    assert reason in raised.value.message


def test_the_error_names_the_line_and_column_where_the_text_breaks() -> None:
    with pytest.raises(SumoSyntaxError) as raised:
        check_query(f'{SCOPE}\n| where Image = "a" where b = "c"')

    assert raised.value.location() == (2, 21)
    assert "second `where`" in str(raised.value)


def test_a_regex_error_points_into_the_regex_literal() -> None:
    text = where("Image matches /ab(?<=x)/")

    with pytest.raises(SumoSyntaxError) as raised:
        check_query(text)

    assert text[raised.value.offset :].startswith("(?<=x)")


WELL_FORMED = (
    f"{SCOPE}\n"
    '| json field=_raw "EventID", "EventData.Image", "EventData.CommandLine"'
    " as EventID, Image, CommandLine nodrop\n"
    '| where !isNull(EventID) and EventID in ("1", "4688") and (Image matches /(?i)^.*\\x{5c}'
    'cmd\\x{2e}exe$/ or (toLowerCase(CommandLine) = "whoami" and !(CommandLine matches /x\\/y/)))'
)


@pytest.mark.parametrize(
    "position", [i for i, char in enumerate(WELL_FORMED) if char in '"()/' and i > len(SCOPE)]
)
def test_deleting_any_quote_parenthesis_or_regex_slash_breaks_the_query(position: int) -> None:
    check_query(WELL_FORMED)

    with pytest.raises(SumoSyntaxError):
        check_query(WELL_FORMED[:position] + WELL_FORMED[position + 1 :])
