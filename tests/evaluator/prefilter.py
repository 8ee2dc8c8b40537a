"""The raw-line prefilter: JSON Lines that no rule can match are never parsed.

Each plain rule needs certain literals in the raw line of any event it matches (see
`literals.py`). For each rule one clause, the one cheapest to search on the first block (scan
time plus the lines it lets through), is searched through every block, each of its literals
in whichever of the ways of `Scan` was fastest on that block (all find exactly the literal's
occurrences); the block is lower-cased once, only if some searched literal is folded.
Only lines holding one of those literals are checked against every clause of every rule, and
parsed when a rule's requirement holds. Lines with `\\u` escapes, whose decoded text the raw
bytes do not show, are always parsed. A rule without any requirement turns the prefilter off.

Skipped lines are still checked to be one JSON object each (`{` ... `}`); a full parse of every
line is what `strict` reading does.
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .event import fold_case
from .literals import Clause, Literal, Requirement, simplify

SAMPLE_BYTES = 1 << 20
CANDIDATE_SECONDS = 5e-6
"""About what one line let through by the scan costs before it is rejected or parsed."""
TIMINGS = 2
"""Each way of searching a literal is timed this many times on the sample, the fastest kept."""
RARE_BYTE = 1024
"""A literal is searched by one of its bytes alone only if that byte is this rare or rarer."""
PROBE_BYTES = 1 << 14
"""How much of the sample the rarity of a literal's bytes is counted on."""
ESCAPE = Literal(b"\\u", folded=False)
"""What starts a JSON `\\u` escape, when preceded by an even number of further backslashes."""


@dataclass(frozen=True)
class Scan:
    """One way to search a literal through whole blocks; every way finds exactly its occurrences.

    `bytes.find` on the literal; a compiled pattern of it (`pattern`); or `bytes.find` on the
    single byte at offset `anchor` of the literal, which is a `memchr` call, each hit confirmed
    by comparing the whole literal there. Which is fastest depends on the text searched.
    """

    literal: Literal
    pattern: re.Pattern[bytes] | None = None
    anchor: int | None = None

    def find(self, haystack: bytes, start: int) -> int:
        """The first offset at or after `start` where the literal occurs, or -1."""
        raw = self.literal.raw
        if self.pattern is not None:
            match = self.pattern.search(haystack, start)
            return -1 if match is None else match.start()
        if self.anchor is None:
            return haystack.find(raw, start)

        offset = self.anchor
        byte = raw[offset:offset + 1]
        position = haystack.find(byte, start + offset)
        while position != -1:
            if haystack.startswith(raw, position - offset):
                return position - offset
            position = haystack.find(byte, position + 1)
        return -1


def scan_ways(literal: Literal, sample: bytes) -> list[Scan]:
    """The ways to search `literal`: whole, as a pattern, and by its rarest byte in the start
    of `sample` when that byte is rare there (at most one in `RARE_BYTE` bytes)."""
    raw = literal.raw
    ways = [Scan(literal), Scan(literal, pattern=re.compile(re.escape(raw)))]
    if len(raw) > 1:
        probe = sample[:PROBE_BYTES]
        counts = {byte: probe.count(byte) for byte in set(raw)}
        rarest = min(range(len(raw)), key=lambda i: counts[raw[i]])
        if counts[raw[rarest]] * RARE_BYTE <= len(probe):
            ways.append(Scan(literal, anchor=rarest))
    return ways


def fastest_scan(literal: Literal, sample: bytes) -> tuple[Scan, float, int]:
    """The fastest way to search `literal` on `sample`, its time to find every occurrence,
    and how many occurrences there are."""
    timed = [(min(_seconds_to_find_all(way, sample) for _ in range(TIMINGS)), index, way)
             for index, way in enumerate(scan_ways(literal, sample))]
    seconds, _index, way = min(timed)
    return way, seconds, sample.count(literal.raw)


def _seconds_to_find_all(way: Scan, sample: bytes) -> float:
    started = time.perf_counter()
    if way.pattern is not None:
        way.pattern.findall(sample)
    elif way.anchor is None:
        sample.count(way.literal.raw)
    else:
        position = way.find(sample, 0)
        while position != -1:
            position = way.find(sample, position + 1)
    return time.perf_counter() - started


class LinePrefilter:
    """Finds the lines of a block that some rule might match."""

    def __init__(self, requirements: Sequence[Requirement]) -> None:
        self.requirements = [tuple(req) for req in requirements]
        self.active = bool(self.requirements) and all(self.requirements)
        self._planned = False
        self._scan: tuple[Scan, ...] = ()
        self._fold_blocks = False
        self._escape = Scan(ESCAPE)

    def plan(self, sample: bytes) -> None:
        """Order each rule's clauses by what searching them costs on `sample`: the time to
        scan for their literals plus the lines they let through."""
        low = sample.lower()
        costs: dict[Literal, float] = {}
        scans: dict[Literal, Scan] = {}

        def cost(clause: Clause) -> tuple[float, int]:
            for lit in clause:
                if lit not in costs:
                    scans[lit], seconds, hits = fastest_scan(lit, low if lit.folded else sample)
                    costs[lit] = seconds + hits * CANDIDATE_SECONDS
            return sum(costs[lit] for lit in clause), -min(len(lit.raw) for lit in clause)

        self.requirements = [tuple(sorted(req, key=cost)) for req in self.requirements]
        scan = frozenset(lit for req in self.requirements for lit in req[0])
        self._scan = tuple(scans[lit] for lit in sorted(simplify(scan)))
        self._fold_blocks = any(lit.folded for lit in scan)
        self._escape = fastest_scan(ESCAPE, sample)[0]
        self._planned = True

    def candidates(self, block: bytes) -> list[tuple[int, int]]:
        """The lines of `block` worth parsing, as sorted (start, end) offsets.

        `block` holds whole lines separated by `\\n`, without a final newline.
        """
        if not self._planned:
            self.plan(block[:SAMPLE_BYTES])
        if not block.isascii():
            return [bounds for bounds in line_ranges(block)
                    if self._line_passes(block[bounds[0]:bounds[1]])]

        low = block.lower() if self._fold_blocks else block
        found: dict[int, int] = {}
        for scan in self._scan:
            hay = low if scan.literal.folded else block
            position = scan.find(hay, 0)
            while position != -1:
                start = block.rfind(b"\n", 0, position) + 1
                end = block.find(b"\n", position)
                end = len(block) if end == -1 else end
                line = block[start:end]
                if start not in found and self._holds(
                        line, low[start:end] if self._fold_blocks else line.lower()):
                    found[start] = end
                position = scan.find(hay, end)

        found.update(_escaped_lines(block, self._escape))
        return sorted(found.items())

    def _line_passes(self, line: bytes) -> bool:
        if b"\\u" in line and _escaped_lines(line, self._escape):
            return True
        if line.isascii():
            return self._holds(line, line.lower())
        try:
            folded = fold_case(line.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            return True
        return self._holds(line, folded)

    def _holds(self, line: bytes, low: bytes) -> bool:
        for req in self.requirements:
            for clause in req:
                if not any(lit.raw in (low if lit.folded else line) for lit in clause):
                    break
            else:
                return True
        return False


def _escaped_lines(block: bytes, escape: Scan) -> dict[int, int]:
    """Lines holding a JSON `\\u` escape (a backslash run of odd length before `u`), found by
    `escape`, a way of searching `ESCAPE`."""
    found: dict[int, int] = {}
    position = escape.find(block, 0)
    while position != -1:
        run = 1
        while position - run >= 0 and block[position - run] == 0x5C:
            run += 1
        if run % 2 == 1:
            start = block.rfind(b"\n", 0, position) + 1
            end = block.find(b"\n", position)
            found[start] = len(block) if end == -1 else end
        position = escape.find(block, position + 2)
    return found


def line_ranges(block: bytes) -> Iterator[tuple[int, int]]:
    """The (start, end) offsets of each line of a block of `\\n`-separated lines."""
    start = 0
    for line in block.split(b"\n"):
        yield start, start + len(line)
        start += len(line) + 1
