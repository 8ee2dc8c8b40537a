"""The fixed windows that stand in for a correlation's sliding timespan.

Sigma's `timespan` is a sliding window. Sumo aggregates over fixed buckets, and no aggregate
sees the events of a neighbouring bucket, so a sliding window cannot be rebuilt exactly. The
loss is made smaller with several sets (phases) of fixed windows, each window one timespan
long and each phase offset from the previous by timespan / phases: a burst that lasts at most
timespan - timespan / phases lies wholly inside a window of some phase. Every window is a real
interval of one timespan, so a `gt`/`gte` count never fires where the sliding window would not.
The cost: each event is aggregated once per phase, and one burst can be listed once per phase.
"""
from __future__ import annotations

from sigma.correlations import SigmaCorrelationRule

# Sets of fixed windows, each offset from the previous one by timespan / WINDOW_PHASES (< 10).
WINDOW_PHASES = 2


def _duration(ms: int) -> str:
    """A duration as a person reads it: 150000 is `2m30s`."""
    parts = []
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if ms >= size:
            parts.append(f"{ms // size}{unit}")
            ms %= size
    if ms:
        parts.append(f"{ms}ms")
    return "".join(parts)


def timespan_ms(rule: SigmaCorrelationRule) -> int:
    """The correlation's timespan in milliseconds, the unit of `_messageTime`."""
    return rule.timespan.seconds * 1000


def window_stages(rule: SigmaCorrelationRule) -> list[str]:
    """Copy each event once per phase and compute the start of its window in that phase."""
    # Shortcoming: a burst longer than span - step can be split in every phase and missed.
    span = timespan_ms(rule)
    step = span // WINDOW_PHASES
    caught = span - step
    phases = ",".join(str(p) for p in range(WINDOW_PHASES))
    return [
        f"// windows: fixed {_duration(span)} windows starting every {_duration(step)}; a burst "
        f"longer than {_duration(caught)} can be split and missed, and a burst can be listed "
        f"once per phase",
        f'| "{phases}" as window_phases',
        f'| parse regex field=window_phases "(?<window_phase>[0-{WINDOW_PHASES - 1}])" multi',
        f"| _messageTime - ((_messageTime - num(window_phase) * {step}) % {span}) "
        f"as window_start_ms",
    ]
