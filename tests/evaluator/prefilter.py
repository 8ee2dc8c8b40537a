"""The raw-line prefilter: JSON Lines that no rule can match are never parsed.

Each plain rule needs certain literals in the raw line of any event it matches (see
`literals.py`). A block of lines is lower-cased once; for each rule one clause, the one
cheapest to search on the first block (scan time plus the lines it lets through), is searched
through the whole block; only lines holding one of those literals are checked against every
clause of every rule, and parsed when a rule's requirement holds. Lines with `\\u` escapes,
whose decoded text the raw bytes do not show, are always parsed. A rule without any
requirement turns the prefilter off.

Skipped lines are still checked to be one JSON object each (`{` ... `}`); a full parse of every
line is what `strict` reading does.
"""
from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from .literals import Clause, Literal, Requirement, simplify

SAMPLE_BYTES = 1 << 20
CANDIDATE_SECONDS = 5e-6
"""About what one line let through by the scan costs before it is rejected or parsed."""


class LinePrefilter:
    """Finds the lines of a block that some rule might match."""

    def __init__(self, requirements: Sequence[Requirement]) -> None:
        self.requirements = [tuple(req) for req in requirements]
        self.active = bool(self.requirements) and all(self.requirements)
        self._planned = False
        self._scan: tuple[Literal, ...] = ()

    def plan(self, sample: bytes) -> None:
        """Order each rule's clauses by what searching them costs on `sample`: the time to
        scan for their literals plus the lines they let through."""
        low = sample.lower()
        costs: dict[Literal, float] = {}

        def cost(clause: Clause) -> tuple[float, int]:
            for lit in clause:
                if lit not in costs:
                    started = time.perf_counter()
                    hits = (low if lit.folded else sample).count(lit.raw)
                    costs[lit] = time.perf_counter() - started + hits * CANDIDATE_SECONDS
            return sum(costs[lit] for lit in clause), -min(len(lit.raw) for lit in clause)

        self.requirements = [tuple(sorted(req, key=cost)) for req in self.requirements]
        scan = frozenset(lit for req in self.requirements for lit in req[0])
        self._scan = tuple(sorted(simplify(scan)))
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

        low = block.lower()
        found: dict[int, int] = {}
        for lit in self._scan:
            hay = low if lit.folded else block
            position = hay.find(lit.raw)
            while position != -1:
                start = block.rfind(b"\n", 0, position) + 1
                end = block.find(b"\n", position)
                end = len(block) if end == -1 else end
                if start not in found and self._holds(block[start:end], low[start:end]):
                    found[start] = end
                position = hay.find(lit.raw, end)

        found.update(_escaped_lines(block))
        return sorted(found.items())

    def _line_passes(self, line: bytes) -> bool:
        if b"\\u" in line and _escaped_lines(line):
            return True
        if line.isascii():
            return self._holds(line, line.lower())
        try:
            folded = line.decode("utf-8").casefold().encode("utf-8")
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


def _escaped_lines(block: bytes) -> dict[int, int]:
    """Lines holding a JSON `\\u` escape (a backslash run of odd length before `u`)."""
    found: dict[int, int] = {}
    position = block.find(b"\\u")
    while position != -1:
        run = 1
        while position - run >= 0 and block[position - run] == 0x5C:
            run += 1
        if run % 2 == 1:
            start = block.rfind(b"\n", 0, position) + 1
            end = block.find(b"\n", position)
            found[start] = len(block) if end == -1 else end
        position = block.find(b"\\u", position + 2)
    return found


def line_ranges(block: bytes) -> Iterator[tuple[int, int]]:
    """The (start, end) offsets of each line of a block of `\\n`-separated lines."""
    start = 0
    for line in block.split(b"\n"):
        yield start, start + len(line)
        start += len(line) + 1
