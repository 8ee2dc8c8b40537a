"""A one-line progress bar on a terminal stream, redrawn at most ten times a second."""
from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30


class ProgressBar:
    """Call with (done, total) bytes; `close` ends the line."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        share = done / total if total else 1.0
        filled = round(share * WIDTH)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] "
                          f"{share:4.0%} {done / 1e6:,.1f}/{total / 1e6:,.1f} MB")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line, if one was drawn."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
