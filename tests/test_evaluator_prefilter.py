"""The raw-line prefilter never hides a match: reading with it finds exactly what parsing every
line finds, whatever the JSON encoder escaped."""
import json
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.evaluator import Evaluator, EventReader, RuleSet
from tests.evaluator.literals import Literal
from tests.evaluator.loading import boundaries
from tests.evaluator.prefilter import Scan, scan_ways
from tests.evaluator.testing import compile_text, rule_yaml

ALPHABET = 'aBcK/\\"*? é\u00dfİ\u212a\u2028\t-:'
FIELDS = ["Image", "CommandLine", "DestinationPort", "Tags"]


def alerts(rules: RuleSet, path: Path, strict: bool) -> list[tuple[str, int]]:
    evaluator = Evaluator(rules)
    reader = EventReader(path, evaluator.prefilter(), strict=strict)
    return sorted((a.rule.title, a.events[0].source.line) for a in evaluator.run(reader))


def encode(record: dict[str, Any], ascii_only: bool, escape_slash: bool) -> str:
    line = json.dumps(record, ensure_ascii=ascii_only)
    return line.replace("/", "\\/") if escape_slash else line


words = st.text(ALPHABET, min_size=1, max_size=6)
scalars = st.one_of(words, st.integers(-5, 5000), st.booleans(), st.none(),
                    st.floats(allow_nan=False, allow_infinity=False, width=32))
values = st.one_of(scalars, st.lists(scalars, max_size=3))


@st.composite
def detections(draw: Any) -> dict[str, Any]:
    field = draw(st.sampled_from(FIELDS))
    word = draw(words)
    form = draw(st.sampled_from(["plain", "contains", "startswith", "endswith", "cased",
                                 "re", "keyword", "number"]))
    if form == "keyword":
        return {"keywords": [word], "condition": "keywords"}
    if form == "number":
        return {"selection": {field: draw(st.integers(-5, 5000))}, "condition": "selection"}
    if form == "re":
        return {"selection": {f"{field}|re": re.escape(word) + ".?"}, "condition": "selection"}
    key = {"plain": field, "cased": f"{field}|cased|contains"}.get(form, f"{field}|{form}")
    return {"selection": {key: word}, "condition": "selection"}


@st.composite
def related_records(draw: Any, patterns: list[str]) -> dict[str, Any]:
    record = {}
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        if patterns and draw(st.booleans()):
            word = draw(st.sampled_from(patterns))
            word = draw(st.sampled_from([word, word.upper(), word.lower(), word.casefold()]))
            record[field] = draw(words) + word + draw(words)
        else:
            record[field] = draw(values)
    return record


@st.composite
def cases(draw: Any) -> tuple:
    rules = draw(st.lists(detections(), min_size=1, max_size=3))
    patterns = [str(v) for d in rules for k, sel in d.items() if k != "condition"
                for v in (sel.values() if isinstance(sel, dict) else sel)]
    records = draw(st.lists(related_records(patterns), min_size=1, max_size=8))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return rules, records, draw(st.booleans()), draw(st.booleans()), ending


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases())
def test_prefiltered_reading_finds_exactly_what_a_full_parse_finds(
    tmp_path: Path, case: Any,
) -> None:
    detections_, records, ascii_only, escape_slash, ending = case
    text = "---\n".join(
        yaml.safe_dump({"title": f"rule {i}", "logsource": {"product": "windows"},
                        "detection": detection}, allow_unicode=True)
        for i, detection in enumerate(detections_))
    rules = compile_text(text)
    path = tmp_path / "events.jsonl"
    path.write_bytes("".join(encode(r, ascii_only, escape_slash) + ending
                             for r in records).encode("utf-8"))
    assert alerts(rules, path, strict=False) == alerts(rules, path, strict=True)


def test_a_value_hidden_behind_a_unicode_escape_is_still_found(tmp_path: Path) -> None:
    rules = compile_text(rule_yaml("""
        selection:
            CommandLine|contains: 'sekurlsa'
        condition: selection
    """))
    path = tmp_path / "e.jsonl"
    path.write_text('{"CommandLine": "x sekurl\\u0073a::logonpasswords"}\n'
                    '{"CommandLine": "C:\\\\users\\\\x"}\n')
    assert alerts(rules, path, strict=False) == [("Test rule", 1)]


def test_a_decimal_value_is_looked_for_as_its_plain_decimal_text(tmp_path: Path) -> None:
    rules = compile_text(rule_yaml("""
        selection:
            IntegrityLevel: 0.00001
        condition: selection
    """))
    path = tmp_path / "e.jsonl"
    path.write_text('{"IntegrityLevel": 0.00001}\n{"IntegrityLevel": "1e-05"}\n')
    assert alerts(rules, path, strict=False) == [("Test rule", 1)]


def test_rules_without_literals_turn_the_prefilter_off() -> None:
    rules = compile_text(rule_yaml("""
        selection:
            DestinationIp|cidr: '10.0.0.0/8'
        condition: selection
    """))
    assert not Evaluator(rules).prefilter().active


def test_requirements_join_the_literals_each_rule_needs() -> None:
    rules = compile_text(rule_yaml("""
        selection:
            Image|endswith: '\\rundll32.exe'
            CommandLine|contains|windash: ' -enc '
            DestinationPort: 4443
        filter:
            User: 'SYSTEM'
        condition: selection and not filter
    """))
    (detection,) = rules.detections
    needed = sorted(sorted((lit.raw, lit.folded) for lit in clause)
                    for clause in detection.requirement)
    assert needed == [[(b"4443", False)], [(b"\\\\rundll32.exe", True)], [(b"enc ", True)]]


BYTES = "ab.*(\\\n}{"
needles = st.text(BYTES, min_size=1, max_size=4).map(str.encode)
texts = st.text(BYTES, max_size=60).map(str.encode)


@given(needles, texts, texts)
def test_every_way_of_scanning_a_literal_finds_exactly_what_bytes_find_finds(
    needle: bytes, haystack: bytes, sample: bytes,
) -> None:
    literal = Literal(needle, folded=False)
    ways = scan_ways(literal, sample) + [Scan(literal, anchor=k) for k in range(len(needle))]
    expected = [haystack.find(needle, start) for start in range(len(haystack) + 1)]
    for way in ways:
        assert [way.find(haystack, start) for start in range(len(haystack) + 1)] == expected


@given(texts)
def test_line_boundaries_are_counted_as_bytes_count_counts_them(block: bytes) -> None:
    assert boundaries(block) == block.count(b"}\n{")
