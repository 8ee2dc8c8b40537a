"""What the fixed windows promise, checked against a sliding window over generated events.

For a 10m timespan with two phases: an alert always has a real 10m window behind it, and every
burst that lasts at most 5m alerts.
"""
from hypothesis import given, settings
from hypothesis import strategies as st

from sigma.backends.sumo.search import FieldExtraction, SumoSearch

from .rendering import render_correlation
from .rules import EDGE, MINUTE, SECOND, correlation
from .sumo_simulator import event, run

SPAN = 10 * MINUTE
STEP = SPAN // 2
THRESHOLD = 4

BASES = """
title: Recon command
name: recon
logsource: {product: windows, category: process_creation}
detection: {selection: {Image|endswith: '\\whoami.exe'}, condition: selection}
---
title: Archive tool
name: archive
logsource: {product: windows, category: process_creation}
detection: {selection: {Image|endswith: '\\7z.exe'}, condition: selection}
"""

COUNT = BASES + f"""
---
title: Recon burst
correlation:
    type: event_count
    rules: recon
    timespan: 10m
    condition: {{gte: {THRESHOLD}}}
"""

ORDERED = BASES + """
---
title: Recon then archive
correlation:
    type: temporal_ordered
    rules: [recon, archive]
    timespan: 10m
"""


def search(tool: str) -> SumoSearch:
    extractions = (FieldExtraction("Tool", "Tool"),)
    return SumoSearch("_sourceCategory=windows/sysmon", extractions, f'Tool = "{tool}"')


COUNT_QUERY = render_correlation(correlation(COUNT), [("recon", search("whoami"))])
ORDERED_QUERY = render_correlation(
    correlation(ORDERED), [("recon", search("whoami")), ("archive", search("7z"))]
)

# Event times in whole seconds over 40 minutes, so that ties and window edges both occur.
times = st.lists(st.integers(0, 40 * 60).map(lambda s: EDGE + 3 * MINUTE + s * SECOND), max_size=12)


def tool_events(tool: str, moments: list[int]) -> list[dict]:
    return [event(ms, {"Tool": tool}) for ms in moments]


def densest(moments: list[int], count: int) -> int | None:
    """The shortest time that `count` of the events span, or None if there are fewer."""
    ordered = sorted(moments)
    spans = [ordered[i + count - 1] - ordered[i] for i in range(len(ordered) - count + 1)]
    return min(spans, default=None)


def shortest_sequence(first: list[int], then: list[int]) -> int | None:
    """The shortest time from a first-rule event to a later second-rule event, if any."""
    gaps = [b - a for a in first for b in then if b >= a]
    return min(gaps, default=None)


@settings(max_examples=150, deadline=None)
@given(times)
def test_an_event_count_alert_always_has_a_sliding_window_behind_it(moments):
    alerted = run(COUNT_QUERY, tool_events("whoami", moments)) != []
    shortest = densest(moments, THRESHOLD)

    if alerted:
        assert shortest is not None and shortest < SPAN
    if shortest is not None and shortest <= STEP:
        assert alerted


@settings(max_examples=150, deadline=None)
@given(times, times)
def test_an_ordered_alert_always_has_an_ordered_pair_in_one_sliding_window(recon, archive):
    events = tool_events("whoami", recon) + tool_events("7z", archive)
    alerted = run(ORDERED_QUERY, events) != []
    shortest = shortest_sequence(recon, archive)

    if alerted:
        assert shortest is not None and shortest < SPAN
    if shortest is not None and shortest <= STEP:
        assert alerted
