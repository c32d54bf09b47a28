"""``manage.py mirror_trace_events``: make every trace event recorded so far answer EPCIS queries.

New and changed trace events are mirrored as they are saved (``interfaces.epcis.mirror``); this
catches up with the events recorded before the mirror existed, or after a batch's GTIN changed.
Safe to run again: an up-to-date mirror is left as it is. A running count on stderr; a one-line
summary at the end.
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from django.core.management.base import BaseCommand

from core.progress import ProgressBar
from gi_registry.trace.models import TraceEvent

from ...epcis import mirror


class Command(BaseCommand):
    help = "Mirror every trace event into an EPCIS event, so EPCIS queries answer for hand-entered events."

    def handle(self, *args, **options):
        started = time.perf_counter()
        events = TraceEvent.objects.select_related("batch__producer").order_by("pk")
        total = events.count()
        bar = ProgressBar(sys.stderr, total, "mirror")
        outcomes: Counter = Counter()
        for done, trace_event in enumerate(events.iterator(chunk_size=500), start=1):
            _event, outcome = mirror.sync(trace_event)
            outcomes[outcome] += 1
            bar(done)
        self.stdout.write(
            f"{total} trace events: {outcomes[mirror.CREATED] + outcomes[mirror.UPDATED]} mirrored, "
            f"{outcomes[mirror.UNCHANGED]} unchanged, {outcomes[mirror.CAPTURED]} captured (left as captured), "
            f"{outcomes[mirror.DUPLICATE]} duplicates, in {time.perf_counter() - started:.1f} s."
        )
