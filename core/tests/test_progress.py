"""The progress bar in a log file: one line per tenth, whether it is called per item or per batch."""

import io

from core.progress import ProgressBar


def lines(calls, total):
    stream = io.StringIO()
    bar = ProgressBar(stream, total, "rebuild")
    for done in calls:
        bar(done)
    return stream.getvalue().splitlines()


def test_called_per_batch_it_still_shows_each_tenth():
    # batches of 2,000 never land on a multiple of the step (10,006)
    shown = lines([*range(2000, 100001, 2000), 100068], 100068)
    assert len(shown) == 10  # 10 %, 20 % … 90 %, done
    assert shown[0].startswith("rebuild [###.") and shown[0].endswith("12000/100068")
    assert shown[-1] == "rebuild [" + "#" * 30 + "]  100068/100068"


def test_called_per_item_it_writes_the_same_lines_as_before():
    shown = lines(range(0, 101), 100)
    assert [line.rsplit(" ", 1)[1] for line in shown] == [f"{n}/100" for n in range(0, 101, 10)]
