"""``bench_epcis_query`` runs, small: the events are stored once and reused, both ways return the
same rows, and the table, ratios and load average are printed."""

from io import StringIO

import pytest
from django.core.management import call_command

from gi_registry.interfaces.models import EpcisEvent, EpcisEventEpc


@pytest.mark.django_db
def test_bench_runs_small_and_reuses_its_rows():
    out, err = StringIO(), StringIO()
    call_command("bench_epcis_query", events=400, batches=4, rounds=2, deep=200, stdout=out, stderr=err)
    text = out.getvalue()
    assert "400 bench events (400 inserted now), 4 batches" in text
    for name in ("time window (7 days)", "EQ_bizStep=shipping", "MATCH_epc (one code)", "deep page (row 200)"):
        assert name in text
    assert "admin/run()" in text and "load average after" in text
    assert "x bare" in text and "\nbare view " in text  # the truly bare view, timed the same way
    assert "returned" not in err.getvalue()  # EPCIS and the listing found the same number of rows
    assert EpcisEventEpc.objects.count() == 800
    out = StringIO()
    call_command("bench_epcis_query", events=400, batches=4, rounds=1, deep=200, stdout=out, stderr=StringIO())
    assert "(0 inserted now)" in out.getvalue()
    assert EpcisEvent.objects.count() == 400
