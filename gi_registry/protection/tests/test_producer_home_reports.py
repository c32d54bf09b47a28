"""A producer's admin home shows its workspace and, under it, the reports about its own codes: the
counts in one Chinese sentence, the latest reports (date, status, product, what is wrong) and the link
to all of them; nothing of another producer's reports and nothing personal of the reporter."""

import re

import pytest

from gi_registry.factories import TEST_PASSWORD

from . import staff_fixtures
from .staff_fixtures import PHONE, make_case

case = staff_fixtures.case
other_case = staff_fixtures.other_case
own_producer = staff_fixtures.own_producer


@pytest.mark.django_db
def test_the_producer_home_shows_its_workspace_then_its_reports(client, producer_user, case, other_case):
    client.login(username="producer", password=TEST_PASSWORD)
    home = client.get("/admin/").content.decode()
    assert home.index("data-producer-workspace") < home.index('id="producer-reports-heading"')
    assert re.search(
        r'共 <strong data-count="reports">1</strong> 件举报，其中 <strong data-count="open">1</strong> 件仍在处理中',
        home,
    )
    panel = home[home.index('id="producer-reports-heading"') :]
    lines = re.findall(r"<li data-producer-report-line>(.*?)</li>", panel, re.S)
    assert len(lines) == 1
    assert str(case.batch) in lines[0] and "追溯码验证不通过" in lines[0]
    assert str(other_case.batch) not in home
    for private in (PHONE, "双桂街道水果店", "盒子上的标志印得很模糊"):
        assert private not in panel


@pytest.mark.django_db
def test_the_home_lists_the_latest_three(client, producer_user, own_producer):
    for _ in range(4):
        make_case(producer=own_producer, photo=False)
    client.login(username="producer", password=TEST_PASSWORD)
    home = client.get("/admin/").content.decode()
    assert 'data-count="reports">4<' in home and home.count("data-producer-report-line") == 3
