"""CI runs the suite against real services; these make a silent fallback impossible."""

import os

import pytest
from django.db import connection


@pytest.mark.skipif(os.environ.get("REQUIRE_POSTGRES") != "1", reason="only when CI asks for PostgreSQL")
def test_database_is_postgresql_when_required(db):
    assert connection.vendor == "postgresql"


def test_database_vendor_matches_database_url(db):
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
