"""The indicators in the Wagtail admin: officers keep them, nobody else may."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from indicators import services
from indicators.factories import IndicatorValueFactory, PlanIndicatorFactory
from indicators.models import PlanIndicator

pytestmark = pytest.mark.django_db


def url(view: str, *args) -> str:
    return reverse(f"wagtailsnippets_indicators_planindicator:{view}", args=args)


def form(indicator: PlanIndicator, values: list[dict], initial: int = 0) -> dict:
    return nested_form_data(
        {
            "number": indicator.number,
            "kind": indicator.kind,
            "name": indicator.name,
            "name_en": "",
            "unit": indicator.unit,
            "target_value": "12",
            "target_year": "2025",
            "baseline_value": "",
            "baseline_year": "2020",
            "computed_source": "",
            "values": inline_formset(values, initial=initial),
        }
    )


def test_anonymous_is_sent_to_login(client):
    indicator = PlanIndicatorFactory()
    for address in (url("list"), url("edit", indicator.pk), url("add")):
        response = client.get(address)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], address


def test_a_brand_editor_cannot_touch_indicators(client, brand_editor):
    client.force_login(brand_editor)
    indicator = PlanIndicatorFactory()
    assert client.get(url("list")).status_code in (302, 403)
    assert client.get(url("edit", indicator.pk)).status_code in (302, 403)


def test_an_officer_lists_indicators_with_target_and_latest_value(client, officer):
    indicator = PlanIndicatorFactory(name="知识产权维权满意度", unit="%", target_value=Decimal(85))
    IndicatorValueFactory(indicator=indicator, year=2024, value=Decimal(84))
    client.force_login(officer)
    html = client.get(url("list")).content.decode()
    assert "知识产权维权满意度" in html
    assert "85 % (2025)" in html
    assert "84 (2024)" in html
    # the sidebar's menu item (JSON in the page), in the admin's language: the default, the officer chose none
    sidebar = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'"name": "plan-indicators", "label": {json.dumps("规划指标")}' in sidebar


def test_an_officer_edits_an_indicator_and_adds_a_yearly_figure(client, officer):
    indicator = PlanIndicatorFactory()
    client.force_login(officer)
    data = form(indicator, [{"year": "2024", "value": "7.5", "source_note": "区知识产权局年报", "is_demo": ""}])
    # saved as a draft first: a revision, while the dashboard keeps the published figures
    response = client.post(url("edit", indicator.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    indicator.refresh_from_db()
    assert indicator.has_unpublished_changes and not indicator.values.exists()
    assert [f for s in services.dashboard() for f in s.figures if not f.computed] == []
    response = client.post(url("edit", indicator.pk), {**data, "action-publish": "action-publish"})
    assert response.status_code == 302, response.content.decode()[:3000]
    indicator.refresh_from_db()
    assert not indicator.has_unpublished_changes
    assert indicator.revisions.count() == 2
    assert [(f.year, f.note) for s in services.dashboard() for f in s.figures if not f.computed] == [
        (2024, "区知识产权局年报")
    ]
    assert indicator.target_value == Decimal(12)
    assert [(v.year, v.value, v.source_note) for v in indicator.values.all()] == [
        (2024, Decimal("7.5"), "区知识产权局年报")
    ]


def test_the_edit_form_refuses_two_figures_for_one_year_and_a_bad_year(client, officer):
    indicator = PlanIndicatorFactory()
    client.force_login(officer)
    figure = {"value": "1", "source_note": "年报", "is_demo": ""}
    response = client.post(
        url("edit", indicator.pk), form(indicator, [{**figure, "year": "2023"}, {**figure, "year": "2023"}])
    )
    assert response.status_code == 200
    assert not indicator.values.exists()
    response = client.post(url("edit", indicator.pk), form(indicator, [{**figure, "year": "2040"}]))
    assert response.status_code == 200
    assert "年份必须在2015年至2035年之间。" in response.content.decode()  # the admin speaks Chinese
    assert not indicator.values.exists()
