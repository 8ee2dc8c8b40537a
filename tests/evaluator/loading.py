"""Event loading: JSON Lines, a JSON array, or `.evtx`, each event a flat dict of Sysmon names.

Windows events exported from Sumo Logic keep `EventID`, `Computer`, `Channel` at the top and
the payload under `EventData` (or `UserData`); the payload is lifted to the top so that rules
see the same names as in Sysmon's own records. `.evtx` records are flattened the same way,
with attributes of system elements named `Element_Attribute` (`Provider_Name`,
`TimeCreated_SystemTime`), as the Sigma specification names them.

Every line of a JSON Lines file must be one JSON object; anything else is an `EventError`
naming the file and line. Nothing is skipped silently: with a prefilter, lines no rule can
match are not parsed, but are still checked to be shaped as one object.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .errors import EventError, EventSource
from .event import Event, JsonFloat
from .prefilter import LinePrefilter, line_ranges

logger = logging.getLogger(__name__)

BLOCK_BYTES = 1 << 17
PAYLOAD_KEYS: tuple[str, ...] = ("EventData", "UserData")
_BOM = b"\xef\xbb\xbf"
_EVTX_MAGIC = b"ElfFile\x00"
_BOUNDARY = re.compile(b"}\n{")

Progress = Callable[[int, int], None]


def normalize(fields: dict[str, Any]) -> dict[str, Any]:
    """An event with its `EventData`/`UserData` payload lifted to the top level.

    Top-level fields win over payload fields of the same name.
    """
    for key in PAYLOAD_KEYS:
        payload = fields.get(key)
        if isinstance(payload, dict):
            merged = {name: value for name, value in fields.items() if name != key}
            for name, value in payload.items():
                merged.setdefault(name, value)
            fields = merged
    return fields


def parse_object(raw: bytes | str, source: EventSource) -> dict[str, Any]:
    """One JSON object from its text, numbers keeping their written form."""
    try:
        value = json.loads(raw, parse_float=JsonFloat, parse_constant=JsonFloat)
    except (ValueError, UnicodeDecodeError) as error:
        raise EventError(source, f"not a JSON object: {error}") from error
    if not isinstance(value, dict):
        raise EventError(source, f"not a JSON object but a JSON {type(value).__name__}")
    return value


def _looks_like_object(line: bytes) -> bool:
    """Whether a line is shaped as one JSON object, around optional blanks (`\\r\\n` endings)."""
    stripped = line.strip()
    return stripped[:1] == b"{" and stripped[-1:] == b"}"


def boundaries(block: bytes) -> int:
    """How many times one line ends in `}` and the next begins with `{`: `block.count(b"}\\n{")`.

    A compiled pattern counts the same non-overlapping occurrences, faster on JSON Lines,
    where `bytes.count` skips little because the text around `}` and `{` is varied.
    """
    return len(_BOUNDARY.findall(block))


def detect_format(path: Path) -> str:
    """`evtx`, `json-array` or `json-lines`, from the file's first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(_EVTX_MAGIC):
        return "evtx"
    if head.removeprefix(_BOM).lstrip()[:1] == b"[":
        return "json-array"
    return "json-lines"


class EventReader:
    """The events of one file, in file order, counting what it read.

    `records` counts the lines (or array elements, or evtx records) read, parsed or not;
    `parsed` those parsed into events.
    """

    def __init__(self, path: str | Path, prefilter: LinePrefilter | None = None,
                 strict: bool = False, progress: Progress | None = None) -> None:
        self.path = Path(path)
        self.prefilter = None if strict or prefilter is None or not prefilter.active else prefilter
        self.progress = progress
        self.records = 0
        self.parsed = 0
        self.blank_lines = 0

    def __iter__(self) -> Iterator[Event]:
        kind = detect_format(self.path)
        logger.info("reading %s as %s", self.path, kind)
        if kind == "evtx":
            return self._evtx()
        if kind == "json-array":
            return self._json_array()
        if self.prefilter is not None:
            return self._json_lines_prefiltered(self.prefilter)
        return self._json_lines()

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def _json_lines(self) -> Iterator[Event]:
        total = self.path.stat().st_size
        done = 0
        name = str(self.path)
        with open(self.path, "rb") as handle:
            for number, raw in enumerate(handle, 1):
                done += len(raw)
                if number == 1:
                    raw = raw.removeprefix(_BOM)
                self.records += 1
                if raw.isspace():
                    self._blank(name, number)
                    continue
                yield self._parse_line(raw, name, number)
                if number % 4096 == 0:
                    self._report(done, total)
        self._report(done, total)

    def _json_lines_prefiltered(self, prefilter: LinePrefilter) -> Iterator[Event]:
        total = self.path.stat().st_size
        done = 0
        name = str(self.path)
        before = 0
        with open(self.path, "rb") as handle:
            rest = b""
            first = True
            while True:
                data = handle.read(BLOCK_BYTES)
                done += len(data)
                if first:
                    data = data.removeprefix(_BOM)
                    first = False
                if data:
                    data = rest + data
                    cut = data.rfind(b"\n")
                    if cut == -1:
                        rest = data
                        continue
                    block, rest = data[:cut], data[cut + 1:]
                elif rest:
                    block, rest = rest, b""
                else:
                    break

                ends = boundaries(block)
                newlines = 0
                counted = 0
                done_lines = set()
                for start, end in prefilter.candidates(block):
                    newlines += block.count(b"\n", counted, start)
                    counted = start
                    done_lines.add(start)
                    yield self._parse_line(block[start:end], name, before + newlines + 1)
                newlines += block.count(b"\n", counted)

                if not (ends == newlines and block[:1] == b"{" and block[-1:] == b"}"):
                    # Some line is not plainly `{...}`: blanks around it (as with `\r\n` line ends)
                    # are fine; anything else is parsed, after the block's candidates, so that
                    # it is reported, or evaluated if it is valid after all.
                    for number, (start, end) in enumerate(line_ranges(block), before + 1):
                        line = block[start:end]
                        if start in done_lines or _looks_like_object(line):
                            continue
                        if not line or line.isspace():
                            self._blank(name, number)
                        else:
                            yield self._parse_line(line, name, number)
                before += newlines + 1
                self.records += newlines + 1
                self._report(done, total)

    def _blank(self, name: str, number: int) -> None:
        """A line holding no text holds no event: counted and logged, not an error."""
        self.blank_lines += 1
        logger.info("%s:%d: blank line, no event", name, number)

    def _parse_line(self, line: bytes, name: str, number: int) -> Event:
        source = EventSource(name, number)
        self.parsed += 1
        return Event(normalize(parse_object(line, source)), source)

    def _json_array(self) -> Iterator[Event]:
        name = str(self.path)
        raw = self.path.read_bytes().removeprefix(_BOM)
        try:
            items = json.loads(raw, parse_float=JsonFloat, parse_constant=JsonFloat)
        except (ValueError, UnicodeDecodeError) as error:
            raise EventError(EventSource(name, 1, "element"),
                             f"not a JSON array: {error}") from error
        if not isinstance(items, list):
            raise EventError(EventSource(name, 1, "element"), "not a JSON array")
        for index, item in enumerate(items, 1):
            source = EventSource(name, index, "element")
            if not isinstance(item, dict):
                raise EventError(source, f"not a JSON object but a JSON {type(item).__name__}")
            self.records += 1
            self.parsed += 1
            yield Event(normalize(item), source)
        self._report(len(raw), len(raw))

    def _evtx(self) -> Iterator[Event]:
        from evtx import PyEvtxParser

        name = str(self.path)
        total = self.path.stat().st_size
        try:
            parser = PyEvtxParser(name)
            for record in parser.records_json():
                number = int(record["event_record_id"])
                source = EventSource(name, number, "record")
                self.records += 1
                self.parsed += 1
                yield Event(flatten_evtx(parse_object(record["data"], source)), source)
        except (RuntimeError, OSError) as error:
            raise EventError(EventSource(name, self.records + 1, "record"),
                             f"unreadable evtx record: {error}") from error
        self._report(total, total)


def flatten_evtx(document: dict[str, Any]) -> dict[str, Any]:
    """A parsed evtx record (`{"Event": {"System": ..., "EventData": ...}}`) as a flat event."""
    event = document.get("Event", document)
    fields: dict[str, Any] = {}
    system = event.get("System")
    if isinstance(system, dict):
        for key, value in system.items():
            _put(fields, key, value)

    for section in PAYLOAD_KEYS:
        payload = event.get(section)
        if not isinstance(payload, dict):
            continue
        if section == "UserData" and len(payload) == 1:
            only = next(iter(payload.values()))
            if isinstance(only, dict):
                payload = only
        for key, value in payload.items():
            if key != "#attributes":
                _put(fields, key, value)
    return fields


def _put(fields: dict[str, Any], key: str, value: Any) -> None:
    if not isinstance(value, dict):
        fields.setdefault(key, value)
        return
    for name, attribute in (value.get("#attributes") or {}).items():
        fields.setdefault(f"{key}_{name}", attribute)
    if "#text" in value:
        fields.setdefault(key, value["#text"])
    for name, inner in value.items():
        if name not in ("#attributes", "#text"):
            _put(fields, f"{key}_{name}", inner)
