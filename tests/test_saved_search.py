"""The savedsearch output format: Sumo Library import JSON, one saved search per rule."""
import json
import random

from sigma.backends.sumo.saved_search import saved_search, saved_search_folder
from sigma.collection import SigmaCollection

RULES = """
title: Suspicious user agent
id: 0b0a9d5e-2f55-4c64-8f3a-6c1b7e9d4a21
description: A process sends a user agent that impersonates a browser.
level: high
tags:
    - attack.command-and-control
    - attack.t1001.003
    - attack.t1071.001
falsepositives:
    - Updaters that copy a browser's user agent
    - Test tools
logsource: {product: windows, category: network_connection}
detection: {selection: {Initiated: 'true'}, condition: selection}
---
title: Beaconing host
id: 6d2f1a30-8c4b-4e5a-9b7d-1f0e2c3a4b5c
level: medium
correlation:
    type: event_count
    rules: 0b0a9d5e-2f55-4c64-8f3a-6c1b7e9d4a21
    group-by: Computer
    timespan: 15m
    condition: {gte: 10}
"""


def rules() -> dict:
    collection = SigmaCollection.from_yaml(RULES)
    return {rule.title: rule for rule in collection.rules}


def test_a_rule_becomes_a_saved_search_with_its_query_and_description():
    rule = rules()["Suspicious user agent"]

    assert saved_search(rule, "_sourceCategory=x\n| where a = 1") == {
        "type": "SavedSearchWithScheduleSyncDefinition",
        "name": "Suspicious user agent",
        "description": (
            "A process sends a user agent that impersonates a browser.\n"
            "Level: high\n"
            "ATT&CK: T1001.003, T1071.001, command-and-control\n"
            "False positives: Updaters that copy a browser's user agent; Test tools\n"
            "Sigma rule id: 0b0a9d5e-2f55-4c64-8f3a-6c1b7e9d4a21"
        ),
        "search": {
            "queryText": "_sourceCategory=x\n| where a = 1",
            "defaultTimeRange": "-24h",
            "byReceiptTime": False,
            "viewName": "",
            "viewStartTime": "1970-01-01T00:00:00Z",
            "queryParameters": [],
            "parsingMode": "Manual",
        },
        "searchSchedule": None,
    }


def test_a_correlation_looks_back_twice_its_timespan():
    item = saved_search(rules()["Beaconing host"], "q")

    assert item["search"]["defaultTimeRange"] == "-30m"
    assert item["description"] == (
        "Level: medium\nSigma rule id: 6d2f1a30-8c4b-4e5a-9b7d-1f0e2c3a4b5c"
    )


def test_a_time_range_uses_the_largest_unit_that_divides_it():
    def time_range(timespan: str) -> str:
        text = RULES.replace("timespan: 15m", f"timespan: {timespan}")
        collection = SigmaCollection.from_yaml(text)
        return saved_search(collection.rules[-1], "q")["search"]["defaultTimeRange"]

    assert [time_range(t) for t in ("90s", "12h", "1d", "1w", "1M")] == [
        "-3m", "-1d", "-2d", "-14d", "-5259492s"
    ]


def test_the_folder_is_importable_json_with_searches_sorted_by_name():
    found = rules()
    items = [
        saved_search(found["Suspicious user agent"], "q1"),
        saved_search(found["Beaconing host"], "q2"),
    ]

    folder = json.loads(saved_search_folder(items))

    assert folder["type"] == "FolderSyncDefinition"
    assert folder["name"] == "Sigma detections"
    assert folder["description"] == "2 saved searches converted from Sigma rules"
    names = [child["name"] for child in folder["children"]]
    assert names == ["Beaconing host", "Suspicious user agent"]


def test_the_folder_text_does_not_depend_on_input_order():
    found = rules()
    items = [saved_search(found["Suspicious user agent"], f"q{i}") for i in range(5)]
    items.append(saved_search(found["Beaconing host"], "q"))
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)

    assert saved_search_folder(shuffled) == saved_search_folder(items)


def test_searches_with_one_name_are_numbered_so_the_import_keeps_each():
    rule = rules()["Suspicious user agent"]

    folder = json.loads(saved_search_folder([saved_search(rule, "q2"), saved_search(rule, "q1")]))

    assert [(c["name"], c["search"]["queryText"]) for c in folder["children"]] == [
        ("Suspicious user agent", "q1"),
        ("Suspicious user agent (2)", "q2"),
    ]


def test_non_ascii_text_is_escaped_so_the_file_is_plain_ascii():
    rule = rules()["Suspicious user agent"]
    rule.title = "Äpfel beacon"

    text = saved_search_folder([saved_search(rule, "q")])

    assert text.isascii()
    assert json.loads(text)["children"][0]["name"] == "Äpfel beacon"


def test_a_folder_of_one_search_says_search_in_the_singular():
    item = saved_search(rules()["Beaconing host"], "q")

    folder = json.loads(saved_search_folder([item]))

    assert folder["description"] == "1 saved search converted from Sigma rules"
