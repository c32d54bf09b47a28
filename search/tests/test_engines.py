"""Which engines the contract suite ran against, said once."""

import pytest

from .conftest import CLUSTERS, ENGINE_NAMES, cluster_engine_or_skip


@pytest.mark.parametrize("flavour", list(CLUSTERS))
def test_cluster_node_is_configured_and_answers(flavour):
    if flavour not in ENGINE_NAMES:
        pytest.skip(
            f"{flavour}: no node configured ({CLUSTERS[flavour][0]} is not set); contract tests ran embedded only"
        )
    engine = cluster_engine_or_skip(flavour, prefix="lp-test-ping")
    assert engine.available()


def test_embedded_engine_always_runs():
    assert ENGINE_NAMES[0] == "embedded"
