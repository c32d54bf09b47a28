"""``manage.py issue_codes --lot LOT --count N --csv OUT.csv [--pdf OUT.pdf] [--zip OUT.zip]``.

Issues N codes for a batch (all or none, under its authorisation's validity and yearly quota, see
``gi_registry.trace.issuance``), then writes the print files: a CSV of codes and URLs, and
optionally an A4 label sheet PDF and a ZIP of SVG symbols. A progress bar on stderr; a one-line
summary at the end.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.progress import ProgressBar
from gi_registry.trace import labels
from gi_registry.trace.issuance import IssuanceError, issue_codes, remaining_quota

from ...models import Batch


class Command(BaseCommand):
    help = "Issue trace codes for a batch and write its print files (CSV, and optionally PDF labels and a ZIP)."

    def add_arguments(self, parser):
        parser.add_argument("--lot", required=True, help="The batch's lot number.")
        parser.add_argument("--producer", help="The producer's credit code, when several producers use the lot number.")
        parser.add_argument("--count", type=int, required=True, help="How many codes to issue.")
        parser.add_argument("--csv", required=True, help="Where to write the CSV of codes and URLs.")
        parser.add_argument("--pdf", help="Where to write A4 label sheets (vector PDF).")
        parser.add_argument("--zip", help="Where to write a ZIP of the CSV and one SVG symbol per code.")
        parser.add_argument("--layout", choices=sorted(labels.LAYOUTS), default="3x8", help="Label sheet layout.")
        parser.add_argument("--ec", choices=["M", "Q", "H"], default="M", help="QR error correction level.")
        parser.add_argument("--user", help="Username recorded as the issuer.")

    def handle(self, *args, lot, producer, count, csv, pdf, zip, layout, ec, user, **options):
        batches = Batch.objects.select_related("producer", "authorisation__geographical_indication").filter(
            lot_number=lot
        )
        if producer:
            batches = batches.filter(producer__credit_code=producer.upper())
        found = list(batches[:2])
        if not found:
            raise CommandError(f"No batch with lot number {lot!r}.")
        if len(found) > 1:
            raise CommandError(f"Several producers have a lot {lot!r}; say which with --producer CREDIT_CODE.")
        batch = found[0]
        issuer = None
        if user:
            issuer = get_user_model().objects.filter(username=user).first()
            if issuer is None:
                raise CommandError(f"No user {user!r}.")
        started = time.perf_counter()
        try:
            codes = issue_codes(batch, count, issuer, progress=ProgressBar(sys.stderr, count, "issue"))
        except IssuanceError as exc:
            raise CommandError(str(exc)) from exc
        for code in codes:
            code.batch = batch  # already loaded: no query per code
        rows = labels.code_rows(codes)
        Path(csv).write_text(labels.codes_csv(rows), encoding="utf-8")
        written = [csv]
        if pdf:
            data = labels.label_data(codes)
            Path(pdf).write_bytes(
                labels.label_sheet_pdf(data, layout, ec, progress=ProgressBar(sys.stderr, len(data), "labels"))
            )
            written.append(pdf)
        if zip:
            Path(zip).write_bytes(labels.codes_zip(rows, ec))
            written.append(zip)
        elapsed = time.perf_counter() - started
        remaining = remaining_quota(batch.authorisation)
        self.stdout.write(
            f"Issued {len(codes)} codes for lot {batch.lot_number} ({batch.producer.name}) in {elapsed:.1f} s; "
            f"{remaining} left of authorisation {batch.authorisation.number}'s yearly quota; wrote {', '.join(written)}."
        )
