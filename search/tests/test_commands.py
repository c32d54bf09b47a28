"""rebuild_search_index (progress, summary, alias swap) and bench_search (run small, as CI may)."""

import io
import uuid

import pytest
from django.core.management import CommandError, call_command

from gi_registry.factories import GeographicalIndicationFactory, ProducerFactory
from search import service
from search.models import SearchDocument

from .conftest import CLUSTERS, cluster_engine_or_skip, cluster_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(settings):
    settings.SEARCH_URL = ""
    GeographicalIndicationFactory(name="梁平测试金柚")
    GeographicalIndicationFactory(name="梁平测试草稿柚", live=False)
    ProducerFactory(name="梁平区测试金柚专业合作社")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_search_index", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rebuild_shows_progress_and_a_summary(records):
    out, err = run()
    assert "Search index rebuilt" in out and "embedded" in out
    assert "[" in err and "#" in err  # the progress bar
    assert SearchDocument.objects.filter(doc_type="gi").count() == 1
    assert [h.title for h in service.search("金柚").hits] == ["梁平测试金柚", "梁平区测试金柚专业合作社"]


def test_rebuild_one_type_and_refuse_unknown_types(records):
    run("--type", "producer")
    assert set(SearchDocument.objects.values_list("doc_type", flat=True)) == {"producer"}
    with pytest.raises(CommandError, match="Unknown document type"):
        run("--type", "nonsense")


def test_replay_without_a_cluster_says_so(records):
    out, _ = run("--replay")
    assert "Replayed 0" in out


@pytest.mark.parametrize("flavour", list(CLUSTERS))
def test_cluster_rebuild_swaps_the_alias(records, settings, flavour):
    prefix = f"lp-test-cmd-{uuid.uuid4().hex[:8]}"
    engine = cluster_engine_or_skip(flavour, prefix)
    settings.SEARCH_URL = cluster_url(flavour)
    settings.SEARCH_INDEX_PREFIX = prefix
    service.reset_cluster_state()
    try:
        run()
        first = engine._alias_targets()
        run("--engine", "cluster")
        second = engine._alias_targets()
        assert len(first) == len(second) == 1 and first != second
        assert not engine.client.indices.exists(index=first[0])  # the old index is gone
        assert engine.count() == SearchDocument.objects.count()  # the same public records, no draft
        assert [h.title for h in service.search("金柚").hits][0] == "梁平测试金柚"
    finally:
        engine.drop_all()
        service.reset_cluster_state()


def test_bench_search_runs_small(settings):
    settings.SEARCH_URL = ""
    out = io.StringIO()
    call_command("bench_search", "--in-place", "--synthetic", "200", "--rounds", "1", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "Relevance set" in text and "wagtail-db" in text and "Indexing rate" in text
    assert "bench_search done" in text
    # the endpoints beside the bare view, with the machine's load
    assert "Endpoints beside the bare view" in text and "load " in text
    for target in ("bare view", "search API", "suggest API"):
        assert target in text


def test_bench_search_streamed_shows_readable_progress(settings):
    """``--stream`` (the default past 200,000 documents) rebuilds from the records as they are read;
    progress goes to stderr one bar per line (a log file stays readable), the summary last on stdout."""
    from search.engines.embedded import EmbeddedEngine

    settings.SEARCH_URL = ""
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "bench_search",
        *("--in-place", "--synthetic", "300", "--stream", "--rounds", "1", "--no-wagtail", "--http-rounds", "0"),
        stdout=out,
        stderr=err,
    )
    lines = err.getvalue().splitlines()
    engine = EmbeddedEngine()
    for label in ("seeding producers", "analysing (a sample)", engine.name):
        bars = [line for line in lines if line.startswith(label + " [")]
        assert bars, (label, lines)
        assert "#" * 30 in bars[-1], bars[-1]  # it reached the end
    assert not any(line.count("[") > 1 for line in lines), lines  # never two bars run together
    assert f"{engine.name} (reading + analysis + writing)" in out.getvalue()
    assert engine.count() == SearchDocument.objects.count() > 300
    assert out.getvalue().rstrip().splitlines()[-1].startswith("bench_search done")
