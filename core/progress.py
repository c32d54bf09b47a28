"""The one progress bar every long-running command shows (import, code issuance, benchmarks…)."""

from django.core.management.base import OutputWrapper

BAR_WIDTH = 30


class ProgressBar:
    """``label [#####.....]    120/550`` on a stream, usually a command's stderr.

    On a terminal it is redrawn in place, at most about a hundred times whatever the total; when the
    stream is not a terminal (a log file, CI, a test) it writes a line every 10 % instead. Call it
    with the count done so far (and the total, if that is only known late), after each item or
    after each batch: a line is written whenever a step is passed, not only when one is hit.
    """

    def __init__(self, stream, total: int, label: str = "") -> None:
        self.stream, self.total, self.label = stream, max(total, 1), label
        self.interactive = hasattr(stream, "isatty") and stream.isatty()
        self.step = max(1, self.total // (100 if self.interactive else 10))
        self.shown = 0  # the last step a line was written for

    def __call__(self, done: int, total: int | None = None) -> None:
        if total:
            self.total = max(total, 1)
        finished = done >= self.total
        if done and done // self.step == self.shown and not finished:
            return
        self.shown = done // self.step
        filled = BAR_WIDTH * min(done, self.total) // self.total
        line = f"{self.label + ' ' if self.label else ''}[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:>7}/{self.total}"
        if self.interactive:
            self._write("\r" + line + ("\n" if finished else ""))
        else:
            self._write(line + "\n")
        self.stream.flush()

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
