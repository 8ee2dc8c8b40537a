"""The query shape: a scope, a `json` stage extracting exactly the rule's fields, a `where`."""
import hashlib

import pytest
from sigma.backends.sumo import SumoLogicBackend
from sigma.backends.sumo.search import FieldExtraction, SumoSearch
from sigma.collection import SigmaCollection
from sigma.exceptions import SigmaFeatureNotSupportedByBackendError

from .conversion import RESOLVER, convert, detection_rule, matches


def test_json_stage_extracts_each_used_field_once_in_order_of_use():
    query = convert(detection_rule(r"""
        sel:
            Image|endswith: '\a.exe'
            User: x
        filter:
            Image|endswith: '\b.exe'
        condition: sel and not filter
    """))

    assert query.split("\n")[1] == '| json field=_raw "Image", "User" as Image, User nodrop'


def test_field_names_that_are_not_identifiers_or_are_sumo_words_get_an_alias():
    query = convert(detection_rule(r"""
        sel:
            process.name: a
            in: b
            _hidden: c
        condition: sel
    """))

    assert query.split("\n")[1] == (
        '''| json field=_raw "['process.name']", "in", "_hidden"'''
        " as f_process_name, f_in, f__hidden nodrop"
    )
    assert matches(query, {"process.name": "A", "in": "B", "_hidden": "C"})


def test_fields_differing_only_by_case_get_different_names():
    query = convert(detection_rule(r"""
        sel:
            Image: a
            image: b
        condition: sel
    """))

    assert query.split("\n")[1] == '| json field=_raw "Image", "image" as Image, image_2 nodrop'
    assert matches(query, {"Image": "a", "image": "b"})
    assert not matches(query, {"Image": "b", "image": "a"})


def test_field_name_with_a_quote_is_rejected():
    rule = detection_rule("sel:\n    'we\"ird': a\ncondition: sel")

    with pytest.raises(SigmaFeatureNotSupportedByBackendError, match="cannot be written"):
        convert(rule)


def test_rule_with_only_keywords_has_no_json_stage():
    query = convert(detection_rule("keywords:\n    - evil\ncondition: keywords"))

    assert query == "*\n| where _raw matches /(?is)^(?:[^\\x{5c}]|\\\\.)*evil.*$/"


def test_search_for_gives_the_search_object_of_a_rule():
    backend = SumoLogicBackend(RESOLVER.resolve(["sumo_json"]))
    rule = SigmaCollection.from_yaml(
        detection_rule("sel:\n    User: x\ncondition: sel")
    ).rules[0]

    search = backend.search_for(rule)

    assert search == SumoSearch(
        scope="*",
        extractions=(FieldExtraction("User", "User"),),
        condition='!isNull(User) and toLowerCase(User) = "x"',
        layout="flat",
    )


def test_search_for_a_rule_a_correlation_references_is_its_converted_search():
    backend = SumoLogicBackend(RESOLVER.resolve(["sumo_json"]))
    collection = SigmaCollection.from_yaml(
        detection_rule("sel:\n    User: x\ncondition: sel")
        + """
---
title: Many
correlation:
    type: event_count
    rules: [00000000-0000-4000-8000-000000000001]
    group-by: [Computer]
    timespan: 5m
    condition: {gte: 3}
"""
    )
    base = collection.rules[0]

    assert backend.convert_rule(base) == []
    assert backend.search_for(base).condition == '!isNull(User) and toLowerCase(User) = "x"'



def md5_rule(count: int) -> str:
    """A rule whose Hashes must contain one of `count` distinct MD5 values."""
    values = "".join(f"        - 'MD5={md5_hex(number)}'\n" for number in range(count))
    return detection_rule("sel:\n    Hashes|contains:\n" + values + "condition: sel")


def md5_hex(number: int) -> str:
    """The MD5 digest of a number's text, as 32 hex digits."""
    return hashlib.md5(str(number).encode()).hexdigest()


def test_query_over_sumos_length_limit_is_unsupported_naming_its_length():
    with pytest.raises(SigmaFeatureNotSupportedByBackendError,
                       match=r"query is 1\d{4} characters, over Sumo's 15,000 limit"):
        convert(md5_rule(460))


def test_query_just_under_the_length_limit_converts():
    query = convert(md5_rule(440))

    assert 14000 < len(query) <= 15000
    assert matches(query, {"Hashes": f"SHA1=00,MD5={md5_hex(439)},IMPHASH=00"})
    assert not matches(query, {"Hashes": f"MD5={md5_hex(440)}"})
