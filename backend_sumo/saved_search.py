"""The `savedsearch` output format: a folder of saved searches for Sumo Logic's Library import.

The shape is Sumo's content-sync JSON: a `FolderSyncDefinition` whose `children` are
`SavedSearchWithScheduleSyncDefinition` objects, as the Sumo Logic Terraform provider and the
content API show them. The searches carry no schedule (`searchSchedule: null`); a user adds
one in Sumo after import.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule

logger = logging.getLogger(__name__)

# Time range for rules without a timespan: one day back from now.
DEFAULT_TIME_RANGE = "-24h"

# Technique, group and software ids (t1001.003, g0007, s0154); other attack tags are tactics.
ATTACK_ID = re.compile(r"[tgs][0-9]{4}(\.[0-9]{3})?", re.IGNORECASE)

# Units of Sumo's relative time ranges, largest first (weeks and months are not among them).
TIME_RANGE_UNITS = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))


def saved_search(rule: SigmaRule | SigmaCorrelationRule, query: str) -> dict[str, Any]:
    """One saved search for a converted rule: its title, a description and the query."""
    return {
        "type": "SavedSearchWithScheduleSyncDefinition",
        "name": rule.title,
        "description": description(rule),
        "search": {
            "queryText": query,
            "defaultTimeRange": default_time_range(rule),
            "byReceiptTime": False,
            "viewName": "",
            "viewStartTime": "1970-01-01T00:00:00Z",
            "queryParameters": [],
            "parsingMode": "Manual",
        },
        "searchSchedule": None,
    }


def saved_search_folder(items: list[dict[str, Any]], name: str = "Sigma detections") -> str:
    """The JSON text of a Library folder holding the saved searches, sorted by name.

    Two searches with the same name (two rules with one title, or a rule with several
    queries) are told apart by a counter, so that the import keeps both.
    """
    ordered = sorted(
        items, key=lambda i: (i["name"], i["description"], i["search"]["queryText"])
    )

    seen: dict[str, int] = {}
    children = []
    for item in ordered:
        count = seen.get(item["name"], 0) + 1
        seen[item["name"]] = count
        if count > 1:
            logger.warning("two saved searches are named %r; numbering them", item["name"])
            item = {**item, "name": f"{item['name']} ({count})"}
        children.append(item)

    folder = {
        "type": "FolderSyncDefinition",
        "name": name,
        "description": f"{len(children)} saved search{'' if len(children) == 1 else 'es'} "
        "converted from Sigma rules",
        "children": children,
    }
    return json.dumps(folder, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def description(rule: SigmaRule | SigmaCorrelationRule) -> str:
    """The rule's own description, then level, ATT&CK tags, false positives and rule id."""
    lines = [rule.description.strip()] if rule.description else []
    if rule.level is not None:
        lines.append(f"Level: {rule.level.name.lower()}")
    attack = sorted(_attack_label(tag.name) for tag in rule.tags if tag.namespace == "attack")
    if attack:
        lines.append("ATT&CK: " + ", ".join(attack))
    if rule.falsepositives:
        lines.append("False positives: " + "; ".join(rule.falsepositives))
    if rule.id is not None:
        lines.append(f"Sigma rule id: {rule.id}")
    return "\n".join(lines)


def _attack_label(name: str) -> str:
    """An ATT&CK tag as ATT&CK writes it: `t1001.003` is `T1001.003`, tactics stay as they are."""
    return name.upper() if ATTACK_ID.fullmatch(name) else name


def default_time_range(rule: SigmaRule | SigmaCorrelationRule) -> str:
    """How far back the saved search looks when opened.

    A correlation looks back twice its timespan: a range as long as the timespan would cut
    every fixed window it touches, while twice the timespan holds at least one whole window
    of every window phase. Other rules look back one day.
    """
    if not isinstance(rule, SigmaCorrelationRule):
        return DEFAULT_TIME_RANGE
    seconds = 2 * rule.timespan.seconds
    unit, size = next((u, s) for u, s in TIME_RANGE_UNITS if seconds % s == 0)
    return f"-{seconds // size}{unit}"
