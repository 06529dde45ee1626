"""A progress bar on stderr: redrawn in place on a terminal, a line every ten seconds in a
log (so a piped run neither floods its log nor goes silent)."""

from __future__ import annotations

import sys
import time

LOG_EVERY = 10.0
DRAW_EVERY = 0.25
WIDTH = 30


class Progress:
    def __init__(self, total: int, done: int = 0, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.start_done = done
        self.done = done
        self.started = time.monotonic()
        self.shown = 0.0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return (self.done - self.start_done) / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        rate = self.rate()
        left = self.total - self.done
        eta = _clock(left / rate) if rate > 0 else "--:--"
        share = self.done / self.total if self.total else 1.0
        bar = "#" * int(share * WIDTH)
        return (
            f"[{bar:<{WIDTH}}] {self.done:,}/{self.total:,} entries {share:6.1%} "
            f"{rate:,.0f} entries/s ETA {eta}"
        )

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if now - self.shown < (DRAW_EVERY if self.tty else LOG_EVERY):
            return
        self.shown = now
        self._write()

    def finish(self) -> None:
        self._write()
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()

    def _write(self) -> None:
        if self.tty:
            self.stream.write("\r" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
