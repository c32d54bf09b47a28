"""The plan's sixteen main indicators, demo figures for them, and the dashboard page.

Their steps of the demo loader (``core.demo``, ``manage.py load_demo_data``) load them idempotently:
the indicators with their figures, the dashboard under the home page, then its English version.

What is real, and where it comes from
-------------------------------------
- The sixteen indicators — number, name, unit, 2025 target and kind — exactly as the district's
  2021–2025 IP plan (梁平府发〔2022〕9号) lists them in 专题1 “十四五”时期梁平区知识产权工作主要指标
  (indicator 10's unit is printed “（万）”, i.e. 万元; kept as printed). Not demo data.
- The 2020 baselines of indicators 1, 5, 7 and 8, from the plan's review of the 13th five-year
  period (第一章第一节): 万人发明专利拥有量2.25件, 国家级优势企业7家, 市级知识产权优势企业21家,
  万户市场主体有效商标拥有量超过1189件. The other indicators have no comparable 2020 figure there.
- Indicator 9 (新增地理标志注册商标数量) is counted by the registry: GI certification and
  collective marks registered after 2020 (``ComputedSource.GI_TRADEMARKS_NEW``).

What is invented
----------------
Every yearly figure for 2021–2024 below (``is_demo=True``, source note “演示数据”). The
English names are our translations.
"""

from __future__ import annotations

from decimal import Decimal

from core.demo import PAGES, TRANSLATIONS, DemoRun, Outcome, Step, home_page, publish_page, publish_translations
from core.i18n import source_pages

from .computed import ComputedSource
from .models import DashboardPage, IndicatorValue, PlanIndicator
from .setup import grant_officer_permissions

DEMO_SOURCE_NOTE = "演示数据（虚构，非统计数字）"
DEMO_YEARS = (2021, 2022, 2023, 2024)

E, B = PlanIndicator.Kind.EXPECTED, PlanIndicator.Kind.BINDING

# number, name, unit, 2025 target, kind, English name, 2020 baseline, demo figures 2021–2024
_ROWS = [
    (1, "每万人口发明专利拥有量", "件", "6", E, "Invention patents per 10,000 residents", "2.25",
     ("2.6", "3.2", "3.9", "4.6")),
    (2, "PCT国际专利申请量", "件", "10", E, "PCT international patent applications", None, ("2", "4", "6", "8")),
    (3, "中小企业专利产品备案", "件", "120", E, "Patented products of SMEs on record", None, ("25", "52", "80", "104")),
    (4, "规模以上工业企业知识产权管理国家标准达标率", "%", "60", B,
     "Industrial enterprises above designated size meeting the national IP-management standard", None,
     ("30", "38", "46", "53")),
    (5, "国家知识产权优势企业数量", "个", "10", E, "National IP advantage enterprises", "7", ("7", "8", "8", "9")),
    (6, "国家知识产权示范企业数量", "个", "2", E, "National IP demonstration enterprises", None, ("0", "1", "1", "2")),
    (7, "重庆市知识产权优势企业数量", "个", "35", B, "Chongqing IP advantage enterprises", "21",
     ("24", "27", "31", "33")),
    (8, "每万户市场主体有效注册商标数量", "个", "1300", B,
     "Valid registered trademarks per 10,000 market entities", "1189", ("1205", "1228", "1251", "1277")),
    (9, "新增地理标志注册商标数量", "个", "5", E, "New geographical-indication trademarks", None, ()),
    (10, "专利融资质押年度融资金额", "万", "1500", E, "Annual patent-pledge financing (10,000 yuan)", None,
     ("980", "1120", "1260", "1390")),
    (11, "专职知识产权执法人员数量", "个", "30", B, "Full-time IP enforcement officers", None, ("18", "22", "25", "28")),
    (12, "专职知识产权行政管理人员数量", "个", "10", B, "Full-time IP administrative staff", None, ("6", "7", "8", "9")),
    (13, "本地知识产权代理机构数量", "个", "10", B, "Local IP agencies", None, ("4", "5", "7", "8")),
    (14, "政府财政知识产权投入占一般预算支出的比重", "%", "0.3", B,
     "Government IP spending as a share of general budget expenditure", None, ("0.12", "0.18", "0.22", "0.26")),
    (15, "知识产权文化普及率", "%", "100", B, "IP awareness rate", None, ("70", "78", "85", "91")),
    (16, "知识产权维权满意度", "%", "85", B, "Satisfaction with IP rights protection", None, ("78", "80", "82", "84")),
]  # fmt: skip

COMPUTED = {9: ComputedSource.GI_TRADEMARKS_NEW}

INDICATORS = [
    {
        "number": number,
        "name": name,
        "unit": unit,
        "target_value": Decimal(target),
        "target_year": 2025,
        "kind": kind,
        "name_en": name_en,
        "baseline_value": Decimal(baseline) if baseline is not None else None,
        "baseline_year": 2020,
        "computed_source": COMPUTED.get(number, ""),
        "is_demo": False,
        "sort_order": number,
        "demo_values": {year: Decimal(value) for year, value in zip(DEMO_YEARS, values, strict=False)},
    }
    for number, name, unit, target, kind, name_en, baseline, values in _ROWS
]

DASHBOARD_PAGE = {
    "title": "知识产权规划主要指标",
    "slug": "indicators",
    "intro": (
        "<p>《重庆市梁平区知识产权保护和运用“十四五”规划（2021—2025年）》确定的16项主要指标：2025年目标值、"
        "指标属性、历年数值与完成进度。能由本站登记数据直接统计的指标，按年自动计算。</p>"
    ),
}


DASHBOARD_PAGE_EN = {
    "title": "IP plan indicators",
    "intro": (
        "<p>The 16 main indicators of Liangping's 2021–2025 plan for protecting and using intellectual property: "
        "the 2025 target, the kind of indicator, the figure for each year and progress to the target. Figures the "
        "registry can count itself are computed every year.</p>"
    ),
}


def _differs(obj, values: dict) -> bool:
    return any(getattr(obj, name) != value for name, value in values.items())


def sync_indicator(data: dict) -> str:
    """Make one indicator's published version and its demo figures equal the data; ``"created"``,
    ``"updated"`` or ``"unchanged"``. A change is published as a revision (with an audit-log
    entry), as publishing in the admin does. Figures staff entered (not flagged demo) are kept."""
    values = {key: value for key, value in data.items() if key not in ("number", "demo_values")}
    indicator = PlanIndicator.objects.filter(number=data["number"]).first()
    created = indicator is None
    if created:
        indicator = PlanIndicator(number=data["number"], **values)
    changed = created or not indicator.live or _differs(indicator, values)
    for name, value in values.items():
        setattr(indicator, name, value)
    rows = {v.year: v for v in indicator.values.all()} if not created else {}
    for year, value in data["demo_values"].items():
        wanted = {"value": value, "source_note": DEMO_SOURCE_NOTE, "is_demo": True}
        row = rows.get(year)
        if row is not None and (not row.is_demo or not _differs(row, wanted)):
            continue  # a staff figure, or already the demo figure
        rows[year] = row = row or IndicatorValue(year=year)
        for name, field_value in wanted.items():
            setattr(row, name, field_value)
        row.full_clean(exclude=["indicator"])
        changed = True
    if not changed:
        return "unchanged"
    indicator.values = [rows[year] for year in sorted(rows)]
    indicator.full_clean()
    if created:
        indicator.save()
    indicator.save_revision(log_action=True).publish()
    return "created" if created else "updated"


def load(run: DemoRun) -> None:
    """Load the indicators, their demo figures and the dashboard page (under the home page)."""
    grant_officer_permissions()  # the groups may have been created after migrate
    section = "plan indicators"
    total = len(INDICATORS) + 1
    for position, data in enumerate(INDICATORS, 1):
        run.record(section, f"indicator-{data['number']}", Outcome(sync_indicator(data)), position, total)
    home = home_page()
    if home is not None:
        page = DashboardPage.objects.child_of(home).first() or DashboardPage()  # child_of: the Chinese tree's
        run.record(section, "dashboard", publish_page(page, DASHBOARD_PAGE, parent=home), total, total)


def translate(run: DemoRun) -> None:
    publish_translations(run, [(source_pages(DashboardPage.objects.all()).first(), DASHBOARD_PAGE_EN)])


# the dashboard after the family pages and announcements, before the contact page (website.demo);
# its English version last of the translations
DEMO_STEPS = [Step(PAGES + 20, load), Step(TRANSLATIONS + 30, translate)]
