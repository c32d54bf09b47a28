"""Demo data for the registry, and its step of the demo loader (``core.demo``, ``manage.py load_demo_data``).

What is real, and where it comes from
-------------------------------------
- The "five zi" product families (稻子, 柚子, 鸭子, 豆子, 笋子), the regional brand 五子登科·丰味梁平 and
  the plan's focus on 梁平大米, 张鸭子, 豆筋 and 梁平柚 products: the district's 2021–2025 IP plan
  (梁平府发〔2022〕9号, 第六章).
- 梁平柚 is an agricultural-product GI (农产品地理标志) of the agriculture ministry, approved
  2008-07-01 (public sources). Its name, kind, authority and date are real; its
  certificate number, specification number, holder, protected-area text and polygon are NOT
  known and are invented here — so the record is ``is_demo=True`` and its summary says which
  parts are invented.
- 梁平山羊 as a GI certification mark, registration No. 12498101 (2013), holder
  梁平县柏家镇农业服务中心: a third-party source only (*unconfirmed*), so the record is
  ``is_demo=True``; the exact registration date and the renewal period are invented.
- The national and industry standards listed with ``is_demo=False`` exist under these codes and
  titles. Their issue/implementation dates are left blank because they were not verified, and
  their status ("current") is as far as known: check openstd.samr.gov.cn before relying on it.
- Townships and product families are the reference rows of migration 0002 (true, not demo).

What is invented (``is_demo=True``; the public site shows a "demo" badge)
-------------------------------------------------------------------------
- Every other GI (梁平大米, 梁平张鸭子, 梁平豆筋, 梁平豆干, 百里竹海竹笋): 张鸭子 is a famous local
  product, but none of these is known to be registered as a GI; numbers, holders and dates are
  made up.
- Every producer: names are generic inventions (no real business is meant), credit codes are
  generated with ``gi_registry.factories.make_credit_code(n, category)`` (valid check characters,
  division code 500155, organisation codes in a range ``MA9000xx`` no test factory uses), phone
  numbers start with ``0000`` so that they cannot reach anyone, coordinates are approximate.
- Every authorisation (numbers LPGI-<year>-<nnnnn>, the registry's rule); periods are fixed relative to
  ``BASE_DATE`` (2026-01-01), not to today, so re-running the loader changes nothing.
- The local (DB50/T 91xx — numbers chosen far above those Chongqing has issued), group (T/…) and
  enterprise (Q/…) standards.
- Every GI's mark image: a round seal drawn by ``core.demo_art.gi_mark`` (the kind on the ring,
  the name, the family's illustration, "示例 · DEMO"), not the official special mark; titled
  示例·<name> 标志 and tagged 示例图片, in the collection 登记资料.

Demo accounts
-------------
``load_demo_data`` also creates the accounts in ``DEMO_USERS`` for trying the admin locally; their
password is ``$DEMO_PASSWORD`` or, by default, ``DEFAULT_DEMO_PASSWORD``. Set ``DEMO_USERS=0`` to skip
them. The command is for demo and development machines only: never run it against production.
"""

import datetime
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from wagtail.actions.edit import EditAction

from core.demo import RECORDS, DemoRun, Outcome, Step, demo_image, sync_record
from core.demo_art import MOTIFS

from .media_collections import registry_media_collection, sync_producer_collection
from .models import Authorisation, GeographicalIndication, Producer, ProducerPhoto, ProductFamily, Standard, Township
from .models.standards import standard_slug
from .setup import BRAND_EDITORS, REGISTRY_OFFICERS, ensure_groups_and_workflow
from .setup import PRODUCERS as PRODUCER_ACCOUNTS
from .validators import format_authorisation_number

BASE_DATE = datetime.date(2026, 1, 1)
DEFAULT_DEMO_PASSWORD = "liangping-demo"  # noqa: S105 — documented demo-only password


def month_start(months: int) -> datetime.date:
    """The first day of the month ``months`` months after ``BASE_DATE`` (negative: before)."""
    index = BASE_DATE.year * 12 + BASE_DATE.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


# --- Geographical indications ------------------------------------------------------------------
# Natural key: slug. ``townships`` are Township names (migration 0002).

LIANGPING_YOU_AREA = {
    "type": "Feature",
    "properties": {
        "demo": True,
        "note": "示意范围（演示数据），不是公告的产地范围坐标。",
    },
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [
                [107.55, 30.45],
                [107.85, 30.42],
                [107.98, 30.60],
                [107.95, 30.85],
                [107.70, 30.88],
                [107.52, 30.70],
                [107.55, 30.45],
            ]
        ],
    },
}

GEOGRAPHICAL_INDICATIONS = [
    {
        "slug": "liangping-you",
        "name": "梁平柚",
        "name_en": "Liangping pomelo",
        "kind": "agricultural",
        "registration_number": "AGI00052",
        "specification_number": "AGI2008-01-052",
        "authority": "农业农村部",
        "holder": "梁平区果树技术推广站",
        "product_family": "pomelo",
        "registration_date": datetime.date(2008, 7, 1),
        "status": "registered",
        "townships": [
            "梁山街道",
            "双桂街道",
            "仁贤街道",
            "金带街道",
            "礼让镇",
            "合兴镇",
            "大观镇",
            "袁驿镇",
            "屏锦镇",
            "聚奎镇",
            "明达镇",
            "福禄镇",
        ],
        "protected_area": (
            "重庆市梁平区梁山街道、双桂街道、仁贤街道、金带街道、礼让镇、合兴镇、大观镇、袁驿镇、屏锦镇、"
            "聚奎镇、明达镇、福禄镇等12个镇（街道）的柚子种植区域。（演示文本，非公告原文）"
        ),
        "protected_area_geojson": LIANGPING_YOU_AREA,
        "summary": (
            "梁平柚于2008年7月1日获农业部农产品地理标志登记（公开信息），2019年列入中国农业品牌目录，"
            "种植面积约15万亩。本记录中的证书编号、质量控制技术规范编号、证书持有人、产地范围文字与"
            "示意坐标均为演示数据，并非官方登记内容。"
        ),
        "is_demo": True,
    },
    {
        "slug": "liangping-shanyang",
        "name": "梁平山羊",
        "name_en": "Liangping goat",
        "kind": "certification_mark",
        "registration_number": "12498101",
        "authority": "国家知识产权局商标局",
        "holder": "梁平县柏家镇农业服务中心",
        "product_family": "other",
        "registration_date": datetime.date(2013, 9, 14),
        "status": "registered",
        "nice_class": 31,
        "goods": "活山羊",
        "valid_from": datetime.date(2023, 9, 14),
        "valid_until": datetime.date(2033, 9, 13),
        "townships": ["柏家镇", "碧山镇", "虎城镇"],
        "summary": (
            "地理标志证明商标，注册号12498101（2013年），注册人梁平县柏家镇农业服务中心——"
            "仅见于第三方资料，尚未核实。具体注册日期、续展后的有效期与产地镇街为演示数据。"
        ),
        "is_demo": True,
    },
    {
        "slug": "liangping-dami",
        "name": "梁平大米",
        "name_en": "Liangping rice",
        "kind": "certification_mark",
        "registration_number": "22871043",
        "authority": "国家知识产权局商标局",
        "holder": "梁平区稻米产业协会",
        "product_family": "rice",
        "registration_date": datetime.date(2018, 3, 14),
        "status": "registered",
        "nice_class": 30,
        "goods": "大米",
        "valid_from": datetime.date(2018, 3, 14),
        "valid_until": datetime.date(2028, 3, 13),
        "townships": ["袁驿镇", "屏锦镇", "聚奎镇", "云龙镇", "荫平镇", "大观镇", "仁贤街道"],
        "summary": "演示数据：梁平大米地理标志证明商标的注册号、注册人与日期均为虚构，用于试用本系统。",
        "is_demo": True,
    },
    {
        "slug": "liangping-zhangyazi",
        "name": "梁平张鸭子",
        "name_en": "Liangping Zhang's duck",
        "kind": "protected_product",
        "registration_number": "国家知识产权局公告第四〇七号",
        "authority": "国家知识产权局",
        "holder": "梁平区张鸭子产业协会",
        "product_family": "duck",
        "registration_date": datetime.date(2020, 12, 18),
        "status": "registered",
        "townships": ["梁山街道", "金带街道", "福禄镇", "荫平镇"],
        "protected_area": "重庆市梁平区梁山街道、金带街道、福禄镇、荫平镇现辖行政区域。（演示文本）",
        "summary": (
            "张鸭子是梁平的著名地方产品，区“十四五”知识产权规划支持“张鸭子绿色畜牧产品”品牌培育；"
            "作为地理标志保护产品的登记（公告号、日期、产地范围）是演示数据。"
        ),
        "is_demo": True,
    },
    {
        "slug": "liangping-doujin",
        "name": "梁平豆筋",
        "name_en": "Liangping dried bean curd sticks",
        "kind": "collective_mark",
        "registration_number": "25310966",
        "authority": "国家知识产权局商标局",
        "holder": "梁平区豆制品行业协会",
        "product_family": "beans",
        "registration_date": datetime.date(2019, 6, 28),
        "status": "registered",
        "nice_class": 29,
        "goods": "豆筋（腐竹）；豆腐制品",
        "valid_from": datetime.date(2019, 6, 28),
        "valid_until": datetime.date(2029, 6, 27),
        "townships": ["双桂街道", "礼让镇", "碧山镇", "明达镇", "新盛镇"],
        "summary": "演示数据：梁平豆筋地理标志集体商标的注册号、注册人与日期均为虚构。",
        "is_demo": True,
    },
    {
        "slug": "liangping-dougan",
        "name": "梁平豆干",
        "name_en": "Liangping dried tofu",
        "kind": "collective_mark",
        "authority": "国家知识产权局商标局",
        "holder": "梁平区豆制品行业协会",
        "product_family": "beans",
        "status": "applied",
        "nice_class": 29,
        "goods": "豆腐干；豆制品",
        "townships": ["双桂街道", "新盛镇"],
        "summary": "演示数据：梁平豆干地理标志集体商标注册申请，审查中。",
        "is_demo": True,
    },
    {
        "slug": "baili-zhuhai-zhusun",
        "name": "百里竹海竹笋",
        "name_en": "Baili Bamboo Sea bamboo shoots",
        "kind": "agricultural",
        "registration_number": "AGI02241",
        "specification_number": "AGI2017-03-2241",
        "authority": "农业农村部",
        "holder": "梁平区竹笋产业协会",
        "product_family": "bamboo",
        "registration_date": datetime.date(2017, 12, 20),
        "status": "registered",
        "townships": ["竹山镇", "蟠龙镇", "明达镇", "虎城镇"],
        "protected_area": "重庆市梁平区百里竹海周边的竹山镇、蟠龙镇、明达镇、虎城镇。（演示文本）",
        "summary": "演示数据：百里竹海竹笋农产品地理标志的证书编号、持有人与日期均为虚构。",
        "is_demo": True,
    },
]


# --- Producers ---------------------------------------------------------------------------------
# Natural key: credit_code = make_credit_code(seed, category) (tested). Category: 91 enterprise,
# 92 individual business (个体工商户, also most family farms), 93 farmers' cooperative.
# Fields: seed, category, credit code, kind, name, township, product families, address,
# (latitude, longitude) or None, (contact person, phone, publish contact) or None.

PRODUCERS = [
    (900001, "93", "93500155MA9000011Q", "cooperative", "梁平区礼让镇川西柚子专业合作社", "礼让镇",
     ["pomelo"], "礼让镇川西村3组", ("30.601200", "107.702300"), ("陈女士", "023-00000101", True)),
    (900002, "91", "91500155MA900002XN", "enterprise", "重庆梁平柚源农业开发有限公司", "梁山街道",
     ["pomelo"], "梁山街道西环路88号", ("30.672400", "107.796100"), ("刘先生", "023-00000102", True)),
    (900003, "93", "93500155MA9000038G", "cooperative", "梁平区金带街道柚香种植专业合作社", "金带街道",
     ["pomelo"], "金带街道双河村5组", ("30.701500", "107.842200"), None),
    (900004, "92", "92500155MA9000046E", "family_farm", "梁平区合兴镇老柚树家庭农场", "合兴镇",
     ["pomelo"], "合兴镇龙滩村2组", ("30.620800", "107.881400"), ("王先生", "023-00000104", False)),
    (900005, "92", "92500155MA90000549", "individual", "梁平区双桂街道柚乡鲜果经营部", "双桂街道",
     ["pomelo"], "双桂街道桂香路12号", None, None),
    (900006, "93", "93500155MA90000621", "cooperative", "梁平区袁驿镇稻香优质稻专业合作社", "袁驿镇",
     ["rice"], "袁驿镇新店村1组", ("30.521300", "107.651700"), ("张先生", "023-00000106", True)),
    (900007, "91", "91500155MA90000702", "enterprise", "重庆梁平都梁米业有限公司", "仁贤街道",
     ["rice"], "仁贤街道工业园区A区6号", ("30.718600", "107.733900"), ("周女士", "023-00000107", True)),
    (900008, "93", "93500155MA9000089Q", "cooperative", "梁平区屏锦镇万石稻米专业合作社", "屏锦镇",
     ["rice"], "屏锦镇万年村4组", ("30.582000", "107.604500"), None),
    (900009, "91", "91500155MA9000097R", "family_farm", "梁平区聚奎镇禾丰家庭农场", "聚奎镇",
     ["rice"], "聚奎镇观音村6组", ("30.661900", "107.602800"), None),
    (900010, "92", "92500155MA900010X7", "individual", "梁平区云龙镇新米粮油店", "云龙镇",
     ["rice"], "云龙镇正街21号", None, None),
    (900011, "91", "91500155MA9000118A", "enterprise", "重庆梁平区金带卤鸭食品有限公司", "金带街道",
     ["duck"], "金带街道食品工业园3号", ("30.697300", "107.838000"), ("李先生", "023-00000111", True)),
    (900012, "91", "91500155MA90001265", "enterprise", "重庆市梁平区都梁鸭业有限公司", "梁山街道",
     ["duck"], "梁山街道东风路156号", ("30.676800", "107.805500"), ("杨女士", "023-00000112", True)),
    (900013, "93", "93500155MA9000134R", "cooperative", "梁平区福禄镇麻鸭养殖专业合作社", "福禄镇",
     ["duck"], "福禄镇天竺村2组", ("30.482600", "107.853100"), None),
    (900014, "92", "92500155MA9000142P", "individual", "梁平区梁山街道老街卤鸭店", "梁山街道",
     ["duck"], "梁山街道老街47号", None, ("赵先生", "023-00000114", True)),
    (900015, "92", "92500155MA9000150J", "family_farm", "梁平区荫平镇稻鸭共生家庭农场", "荫平镇",
     ["duck", "rice"], "荫平镇大坪村7组", ("30.551400", "107.721600"), None),
    (900016, "91", "91500155MA9000169J", "enterprise", "重庆梁平豆香食品有限公司", "双桂街道",
     ["beans"], "双桂街道绿色食品加工园9号", ("30.648900", "107.781200"), ("黄女士", "023-00000116", True)),
    (900017, "93", "93500155MA90001777", "cooperative", "梁平区礼让镇大豆种植专业合作社", "礼让镇",
     ["beans"], "礼让镇新拱村3组", ("30.596700", "107.711800"), None),
    (900018, "92", "92500155MA90001855", "individual", "梁平区碧山镇手工豆筋作坊", "碧山镇",
     ["beans"], "碧山镇正街8号", None, None),
    (900019, "91", "91500155MA90001933", "enterprise", "重庆梁平区明达豆制品有限公司", "明达镇",
     ["beans"], "明达镇工业集中区2号", ("30.781100", "107.897400"), ("吴先生", "023-00000119", False)),
    (900020, "93", "93500155MA9000206J", "cooperative", "梁平区竹山镇竹海笋业专业合作社", "竹山镇",
     ["bamboo"], "竹山镇猎神村1组", ("30.803500", "107.948800"), ("徐先生", "023-00000120", True)),
    (900021, "91", "91500155MA9000214K", "enterprise", "重庆梁平竹乡笋制品有限公司", "蟠龙镇",
     ["bamboo"], "蟠龙镇扈槽村5组", ("30.742300", "107.921500"), ("孙女士", "023-00000121", True)),
    (900022, "92", "92500155MA9000222B", "family_farm", "梁平区明达镇竹林家庭农场", "明达镇",
     ["bamboo"], "明达镇文峰村4组", ("30.776000", "107.906300"), None),
    (900023, "92", "92500155MA90002306", "individual", "梁平区虎城镇山笋经营部", "虎城镇",
     ["bamboo"], "虎城镇正街33号", None, None),
    (900024, "93", "93500155MA90002490", "cooperative", "梁平区柏家镇山羊养殖专业合作社", "柏家镇",
     ["other"], "柏家镇兴隆村2组", ("30.581700", "107.948200"), ("马先生", "023-00000124", True)),
    (900025, "92", "92500155MA9000257X", "family_farm", "梁平区柏家镇青山羊家庭农场", "柏家镇",
     ["other"], "柏家镇石马村6组", ("30.574900", "107.956600"), None),
    (900026, "91", "91500155MA9000265U", "enterprise", "重庆梁平区五子农产品供应链有限公司", "梁山街道",
     ["pomelo", "duck", "beans"], "梁山街道物流园B区12号", ("30.665200", "107.812900"),
     ("郑女士", "023-00000126", True)),
    (900027, "93", "93500155MA9000273G", "cooperative", "梁平区大观镇稻柚综合种养专业合作社", "大观镇",
     ["rice", "pomelo"], "大观镇护国村3组", ("30.791800", "107.682700"), None),
    (900028, "91", "91500155MA9000281H", "enterprise", "重庆梁平柚饮品有限公司", "仁贤街道",
     ["pomelo"], "仁贤街道工业园区C区2号", ("30.722100", "107.741000"), ("何先生", "023-00000128", True)),
    (900029, "93", "93500155MA900029X3", "cooperative", "梁平区蟠龙镇竹笋专业合作社", "蟠龙镇",
     ["bamboo"], "蟠龙镇义和村2组", ("30.736400", "107.930200"), None),
    (900030, "91", "91500155MA90003022", "enterprise", "重庆梁平区虎城米业有限公司", "虎城镇",
     ["rice"], "虎城镇工业集中区1号", ("30.829700", "107.868500"), None),
    (900031, "92", "92500155MA9000310R", "individual", "梁平区新盛镇豆干作坊", "新盛镇",
     ["beans"], "新盛镇正街15号", None, None),
]  # fmt: skip

#: producers that are not active (their authorisations are not active either)
PRODUCER_STATUS = {"91500155MA90003022": "suspended"}

PRODUCER_DESCRIPTIONS = {
    "cooperative": "演示数据：虚构的农民专业合作社，用于试用登记与授权功能。",
    "enterprise": "演示数据：虚构的企业，用于试用登记与授权功能。",
    "family_farm": "演示数据：虚构的家庭农场，用于试用登记与授权功能。",
    "individual": "演示数据：虚构的个体工商户，用于试用登记与授权功能。",
}


# --- Authorisations ----------------------------------------------------------------------------
# Natural key: number = LPGI-<year valid_from>-<nnnnn>, nnnnn this list's 1-based position
# (before the numbering rule: four digits, renamed on the next load).
# Fields: producer seed, GI slug, start (months after BASE_DATE), duration (months), status, yearly
# quota. valid_from = month_start(start); valid_until = the day before month_start(start + duration).
# Active ones run past 2026-11 (so they are valid "today", 2026-11-26) and end before the
# validity of a trademark GI ends (梁平大米 2028-03-13: start + duration ≤ 26; 梁平豆筋 2029-06-27:
# start + duration ≤ 41). Only registered GIs are authorised.

AUTHORISATIONS = [
    (900001, "liangping-you", -48, 36, "expired", 20000),
    (900001, "liangping-you", -12, 36, "active", 30000),
    (900002, "liangping-you", -22, 36, "active", 50000),
    (900003, "liangping-you", -10, 36, "active", 15000),
    (900004, "liangping-you", -6, 36, "active", 5000),
    (900005, "liangping-you", -40, 24, "expired", 3000),
    (900005, "liangping-you", -3, 24, "suspended", 3000),
    (900026, "liangping-you", -14, 36, "active", 40000),
    (900027, "liangping-you", -8, 36, "active", 8000),
    (900028, "liangping-you", -18, 36, "active", 60000),
    (900006, "liangping-dami", -20, 36, "active", 20000),
    (900007, "liangping-dami", -24, 48, "active", 100000),
    (900008, "liangping-dami", -12, 36, "active", 20000),
    (900009, "liangping-dami", -5, 24, "active", 5000),
    (900010, "liangping-dami", -30, 24, "expired", 2000),
    (900015, "liangping-dami", -9, 24, "active", 3000),
    (900027, "liangping-dami", -8, 34, "active", 6000),
    (900030, "liangping-dami", -16, 36, "suspended", 30000),
    (900011, "liangping-zhangyazi", -24, 36, "active", 80000),
    (900012, "liangping-zhangyazi", -15, 36, "active", 80000),
    (900013, "liangping-zhangyazi", -7, 36, "active", 10000),
    (900014, "liangping-zhangyazi", -36, 24, "expired", 5000),
    (900014, "liangping-zhangyazi", -11, 36, "active", 5000),
    (900015, "liangping-zhangyazi", -9, 36, "active", 4000),
    (900026, "liangping-zhangyazi", -14, 36, "active", 30000),
    (900016, "liangping-doujin", -21, 36, "active", 60000),
    (900017, "liangping-doujin", -10, 36, "active", 10000),
    (900018, "liangping-doujin", -4, 24, "active", 3000),
    (900018, "liangping-doujin", -34, 24, "expired", 2000),
    (900019, "liangping-doujin", -17, 36, "suspended", 40000),
    (900019, "liangping-doujin", -47, 24, "expired", 30000),
    (900026, "liangping-doujin", -14, 36, "active", 20000),
    (900031, "liangping-doujin", -2, 24, "active", 2000),
    (900020, "baili-zhuhai-zhusun", -20, 36, "active", 25000),
    (900021, "baili-zhuhai-zhusun", -16, 36, "active", 50000),
    (900022, "baili-zhuhai-zhusun", -6, 24, "active", 4000),
    (900023, "baili-zhuhai-zhusun", -30, 24, "expired", 2000),
    (900023, "baili-zhuhai-zhusun", -6, 24, "active", 2000),
    (900029, "baili-zhuhai-zhusun", -12, 36, "active", 15000),
    (900024, "liangping-shanyang", -26, 48, "active", 5000),
    (900025, "liangping-shanyang", -8, 36, "active", 2000),
    (900002, "liangping-dami", -3, 24, "suspended", 10000),
    (900012, "liangping-doujin", -5, 36, "active", 8000),
    (900021, "liangping-you", -2, 24, "active", 6000),
    (900003, "baili-zhuhai-zhusun", -1, 24, "active", 3000),
]

AUTHORISATION_SCOPES = {
    "liangping-you": "梁平柚鲜果及其包装箱、礼盒上使用地理标志名称与专用标志。",
    "liangping-shanyang": "梁平山羊活畜及其检疫证明、销售凭证上使用证明商标。",
    "liangping-dami": "梁平大米（预包装）及其包装袋上使用证明商标。",
    "liangping-zhangyazi": "梁平张鸭子（卤制、烤制鸭产品）及其包装上使用地理标志专用标志。",
    "liangping-doujin": "梁平豆筋（预包装）及其包装上使用集体商标。",
    "baili-zhuhai-zhusun": "百里竹海鲜竹笋、笋干及其包装上使用地理标志名称与专用标志。",
}


def authorisation_number(position: int, valid_from: datetime.date) -> str:
    return format_authorisation_number(valid_from.year, position)


def legacy_authorisation_number(position: int, valid_from: datetime.date) -> str:
    """The demo's numbers before the numbering rule (four digits); a later load renames them."""
    return f"LPGI-{valid_from.year}-{position:04d}"


# --- Standards ---------------------------------------------------------------------------------
# Natural key: code. ``replaced_by`` is another code of this list (set in a second pass).

_LOCAL_BODY_2018 = "重庆市市场监督管理局"

STANDARDS = [
    {
        "code": "GB/T 17924-2008",
        "title": "地理标志产品标准通用要求",
        "title_en": "General requirements for standards of products of geographical indication",
        "level": "national",
        "issuing_body": "国家质量监督检验检疫总局、国家标准化管理委员会",
        "geographical_indications": ["liangping-you", "liangping-zhangyazi", "baili-zhuhai-zhusun"],
        "product_families": ["rice", "pomelo", "duck", "beans", "bamboo"],
        "scope": "地理标志产品标准编写的通用要求；本登记中地理标志产品的质量技术要求参照其编写。",
        "is_demo": False,
    },
    {
        "code": "GB/T 1354-2018",
        "title": "大米",
        "title_en": "Rice",
        "level": "national",
        "geographical_indications": ["liangping-dami"],
        "product_families": ["rice"],
        "scope": "大米的分类、质量要求与检验方法；梁平大米的等级判定引用本标准。",
        "is_demo": False,
    },
    {
        "code": "GB 2726-2016",
        "title": "食品安全国家标准 熟肉制品",
        "title_en": "National food safety standard — Cooked meat products",
        "level": "national",
        "issuing_body": "国家卫生和计划生育委员会、国家食品药品监督管理总局",
        "geographical_indications": ["liangping-zhangyazi"],
        "product_families": ["duck"],
        "scope": "熟肉制品的食品安全要求；卤鸭、烤鸭等鸭肉制品适用。",
        "is_demo": False,
    },
    {
        "code": "GB 2712-2014",
        "title": "食品安全国家标准 豆制品",
        "title_en": "National food safety standard — Bean products",
        "level": "national",
        "issuing_body": "国家卫生和计划生育委员会",
        "geographical_indications": ["liangping-doujin", "liangping-dougan"],
        "product_families": ["beans"],
        "scope": "豆制品的食品安全要求；豆筋（腐竹）、豆干等适用。",
        "is_demo": False,
    },
    {
        "code": "NY/T 391-2021",
        "title": "绿色食品 产地环境质量",
        "title_en": "Green food — Environmental quality for production area",
        "level": "industry",
        "issuing_body": "农业农村部",
        "geographical_indications": ["liangping-you", "liangping-dami"],
        "product_families": ["rice", "pomelo", "bamboo"],
        "scope": "绿色食品产地的环境质量要求；梁平绿色农业基地建设参照执行。",
        "is_demo": False,
    },
    {
        "code": "NY/T 419-2021",
        "title": "绿色食品 稻米",
        "title_en": "Green food — Rice",
        "level": "industry",
        "issuing_body": "农业农村部",
        "geographical_indications": ["liangping-dami"],
        "product_families": ["rice"],
        "scope": "绿色食品稻米的要求；申请绿色食品标志的梁平大米适用。",
        "is_demo": False,
    },
    # The newer version comes first only for readability; the loader does not depend on order.
    {
        "code": "DB50/T 9101-2022",
        "title": "梁平柚栽培技术规程",
        "title_en": "Code of practice for the cultivation of Liangping pomelo",
        "level": "local",
        "issuing_body": _LOCAL_BODY_2018,
        "issued_on": datetime.date(2022, 9, 30),
        "implemented_on": datetime.date(2022, 12, 30),
        "geographical_indications": ["liangping-you"],
        "product_families": ["pomelo"],
        "scope": "梁平柚的园地选择、苗木、土肥水管理、整形修剪、花果管理、病虫害绿色防控与采收。（演示）",
        "is_demo": True,
    },
    {
        "code": "DB50/T 9101-2016",
        "title": "梁平柚栽培技术规程",
        "title_en": "Code of practice for the cultivation of Liangping pomelo",
        "level": "local",
        "status": "superseded",
        "replaced_by": "DB50/T 9101-2022",
        "issuing_body": "重庆市质量技术监督局",
        "issued_on": datetime.date(2016, 5, 20),
        "implemented_on": datetime.date(2016, 8, 1),
        "geographical_indications": ["liangping-you"],
        "product_families": ["pomelo"],
        "scope": "梁平柚栽培技术。已被 DB50/T 9101-2022 代替。（演示）",
        "is_demo": True,
    },
    {
        "code": "DB50/T 9102-2023",
        "title": "梁平张鸭子加工技术规范",
        "title_en": "Technical specification for processing Liangping Zhang's duck",
        "level": "local",
        "issuing_body": _LOCAL_BODY_2018,
        "issued_on": datetime.date(2023, 6, 15),
        "implemented_on": datetime.date(2023, 9, 15),
        "geographical_indications": ["liangping-zhangyazi"],
        "product_families": ["duck"],
        "scope": "梁平张鸭子的原料鸭、卤制、烘烤、包装与贮运要求。（演示）",
        "is_demo": True,
    },
    {
        "code": "DB50/T 9103-2021",
        "title": "梁平竹笋采收与保鲜技术规程",
        "title_en": "Code of practice for harvesting and keeping fresh Liangping bamboo shoots",
        "level": "local",
        "issuing_body": _LOCAL_BODY_2018,
        "issued_on": datetime.date(2021, 3, 10),
        "implemented_on": datetime.date(2021, 6, 1),
        "geographical_indications": ["baili-zhuhai-zhusun"],
        "product_families": ["bamboo"],
        "scope": "百里竹海区域鲜竹笋的采收时期、采收方法、预冷、保鲜与运输。（演示）",
        "is_demo": True,
    },
    {
        "code": "DB50/T 9104-2020",
        "title": "绿色食品 梁平稻生产技术规程",
        "title_en": "Green food — Code of practice for producing Liangping rice",
        "level": "local",
        "issuing_body": _LOCAL_BODY_2018,
        "issued_on": datetime.date(2020, 11, 5),
        "implemented_on": datetime.date(2021, 2, 1),
        "geographical_indications": ["liangping-dami"],
        "product_families": ["rice"],
        "scope": "绿色食品梁平稻的品种选择、育秧、稻鸭共生、肥水管理、病虫害绿色防控与收储。（演示）",
        "is_demo": True,
    },
    {
        "code": "DB50/T 9105-2015",
        "title": "梁平豆筋加工技术规程",
        "title_en": "Code of practice for processing Liangping bean curd sticks",
        "level": "local",
        "status": "withdrawn",
        "issuing_body": "重庆市质量技术监督局",
        "issued_on": datetime.date(2015, 10, 12),
        "implemented_on": datetime.date(2016, 1, 1),
        "geographical_indications": ["liangping-doujin"],
        "product_families": ["beans"],
        "scope": "梁平豆筋的原料、浸泡、磨浆、挑筋、干燥与包装。已废止。（演示）",
        "is_demo": True,
    },
    {
        "code": "T/LPYX 001-2024",
        "title": "梁平柚 鲜果分级与包装",
        "title_en": "Liangping pomelo — Grading and packing of fresh fruit",
        "level": "group",
        "issuing_body": "梁平区柚子产业协会",
        "issued_on": datetime.date(2024, 8, 1),
        "implemented_on": datetime.date(2024, 9, 1),
        "geographical_indications": ["liangping-you"],
        "product_families": ["pomelo"],
        "scope": "梁平柚鲜果的等级规格、包装箱标识（含追溯二维码）与贮运。（演示）",
        "is_demo": True,
    },
    {
        "code": "Q/LPYY 0001S-2025",
        "title": "梁平柚果汁饮料",
        "title_en": "Liangping pomelo juice drink",
        "level": "enterprise",
        "issuing_body": "重庆梁平柚饮品有限公司",
        "issued_on": datetime.date(2025, 3, 1),
        "implemented_on": datetime.date(2025, 3, 15),
        "geographical_indications": ["liangping-you"],
        "product_families": ["pomelo"],
        "scope": "以梁平柚为原料的果汁饮料的技术要求，严于相应国家标准。（演示，企业标准）",
        "is_demo": True,
    },
]


# --- Demo accounts -----------------------------------------------------------------------------
# username, group name (gi_registry.setup), superuser?, display name. Password: $DEMO_PASSWORD or
# DEFAULT_DEMO_PASSWORD. ``producer`` is linked (Producer.accounts) to DEMO_PRODUCER_ACCOUNT_FOR.

DEMO_USERS = [
    ("admin", None, True, "演示超级管理员"),
    ("officer", REGISTRY_OFFICERS, False, "演示登记管理员"),
    ("editor", BRAND_EDITORS, False, "演示品牌编辑"),
    ("producer", PRODUCER_ACCOUNTS, False, "演示生产主体账号"),
]
DEMO_PRODUCER_ACCOUNT_FOR = "93500155MA9000011Q"  # 梁平区礼让镇川西柚子专业合作社


# --- Loading -----------------------------------------------------------------------------------
# Every record is found by its natural key (GI slug, producer credit code, authorisation number,
# standard code) and published only when new or different (``core.demo.sync_record``). Accounts
# that already exist are left as they are (password, flags and groups).

GI_DEFAULTS = {
    "name_en": "",
    "registration_number": "",
    "specification_number": "",
    "authority": "",
    "holder": "",
    "registration_date": None,
    "protected_area": "",
    "protected_area_geojson": None,
    "nice_class": None,
    "goods": "",
    "valid_from": None,
    "valid_until": None,
    "summary": "",
    "is_demo": False,
}
STANDARD_DEFAULTS = {
    "title_en": "",
    "status": Standard.Status.CURRENT,
    "issuing_body": "",
    "issued_on": None,
    "implemented_on": None,
    "scope": "",
    "is_demo": False,
}


#: the demo marks' colours and ring texts, by kind (the ring names the kind; the demo tag says
#: it is not the official special mark)
GI_MARK_COLOURS = {
    GeographicalIndication.Kind.AGRICULTURAL: "#2f6d8c",
    GeographicalIndication.Kind.PROTECTED_PRODUCT: "#a23b2a",
    GeographicalIndication.Kind.CERTIFICATION_MARK: "#2f7a4a",
    GeographicalIndication.Kind.COLLECTIVE_MARK: "#7a4f9a",
}
GI_KIND_ZH = {
    GeographicalIndication.Kind.AGRICULTURAL: "农产品地理标志",
    GeographicalIndication.Kind.PROTECTED_PRODUCT: "地理标志保护产品",
    GeographicalIndication.Kind.CERTIFICATION_MARK: "地理标志证明商标",
    GeographicalIndication.Kind.COLLECTIVE_MARK: "地理标志集体商标",
}
GI_KIND_EN = {
    GeographicalIndication.Kind.AGRICULTURAL: "Agricultural product GI",
    GeographicalIndication.Kind.PROTECTED_PRODUCT: "GI protected product",
    GeographicalIndication.Kind.CERTIFICATION_MARK: "GI certification mark",
    GeographicalIndication.Kind.COLLECTIVE_MARK: "GI collective mark",
}


def load(run: DemoRun) -> None:
    """The demo accounts (unless ``DEMO_USERS=0``), GIs, producers, authorisations and standards."""
    users = load_users(run) if os.environ.get("DEMO_USERS", "1").strip() != "0" else {}
    gis = load_geographical_indications(run)
    producers = load_producers(run, users.get("producer"))
    load_producer_profile(run)
    load_authorisations(run, gis, producers)
    load_standards(run, gis)


def load_users(run: DemoRun) -> dict:
    """The demo accounts; existing accounts of the same name are left untouched."""
    User = get_user_model()
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    group_names = {group for _u, group, _s, _d in DEMO_USERS if group}
    if Group.objects.filter(name__in=group_names).count() != len(group_names):
        ensure_groups_and_workflow()
    users = {}
    for position, (username, group_name, superuser, display_name) in enumerate(DEMO_USERS, 1):
        user = User.objects.filter(username=username).first()
        outcome = Outcome.UNCHANGED
        if user is None:
            user = User(username=username, first_name=display_name, is_superuser=superuser, is_staff=superuser)
            user.set_password(password)
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            outcome = Outcome.CREATED
        users[username] = user
        run.record("users", username, outcome, position, len(DEMO_USERS))
    return users


def load_gi_marks(run: DemoRun) -> dict[str, object]:
    """A drawn demo mark per GI (``core.demo_art.gi_mark``), in the registry's collection 登记资料;
    titled 示例·<name> 标志 and tagged 示例图片, drawn only when missing."""
    from core.demo_art import gi_mark

    collection = registry_media_collection()
    marks = {}
    for position, data in enumerate(GEOGRAPHICAL_INDICATIONS, 1):
        kind = GeographicalIndication.Kind(data["kind"])
        colour = GI_MARK_COLOURS[kind]
        motif = data["product_family"] if data["product_family"] in MOTIFS else "hills"
        kind_zh = GI_KIND_ZH[kind]

        def draw(data=data, kind=kind, kind_zh=kind_zh, colour=colour, motif=motif):
            return gi_mark(data["name"], data["name_en"], kind_zh, GI_KIND_EN[kind], motif, colour)

        image, outcome = demo_image(f"{data['name']} 标志", draw, collection, f"demo-mark-{data['slug']}.png")
        marks[data["slug"]] = image
        run.record("GI marks", data["slug"], outcome, position, len(GEOGRAPHICAL_INDICATIONS))
    return marks


def load_geographical_indications(run: DemoRun) -> dict[str, GeographicalIndication]:
    families = {f.slug: f for f in ProductFamily.objects.all()}
    townships = {t.name: t for t in Township.objects.all()}
    marks = load_gi_marks(run)
    gis = {}
    for position, data in enumerate(GEOGRAPHICAL_INDICATIONS, 1):
        values = {**GI_DEFAULTS, **data, "mark_image": marks[data["slug"]]}
        slug = values.pop("slug")
        values["product_family"] = families[values["product_family"]]
        area = [townships[name] for name in values.pop("townships", [])]
        gi, outcome = sync_record(GeographicalIndication, {"slug": slug}, values, {"townships": area})
        gis[slug] = gi
        run.record("geographical indications", slug, outcome, position, len(GEOGRAPHICAL_INDICATIONS))
    return gis


def load_producers(run: DemoRun, account) -> dict[int, Producer]:
    families = {f.slug: f for f in ProductFamily.objects.all()}
    townships = {t.name: t for t in Township.objects.all()}
    producers = {}
    for position, row in enumerate(PRODUCERS, 1):
        seed, _category, code, kind, name, township, family_slugs, address, location, contact = row
        latitude, longitude = location or (None, None)
        person, phone, public = contact or ("", "", False)
        values = {
            "name": name,
            "kind": kind,
            "township": townships[township],
            "address": f"重庆市梁平区{address}",
            "latitude": latitude,
            "longitude": longitude,
            "contact_person": person,
            "contact_phone": phone,
            "contact_public": public,
            "description": PRODUCER_DESCRIPTIONS[kind],
            "status": PRODUCER_STATUS.get(code, Producer.Status.ACTIVE),
            "is_demo": True,
        }
        m2m = {"product_families": [families[slug] for slug in family_slugs]}
        if account is not None and code == DEMO_PRODUCER_ACCOUNT_FOR:
            # Add the demo account; accounts an officer linked by hand stay linked.
            existing = Producer.objects.filter(credit_code=code).first()
            accounts = list(existing.accounts.all()) if existing else []
            m2m["accounts"] = [*accounts, account] if account not in accounts else accounts
        producer, outcome = sync_record(Producer, {"credit_code": code}, values, m2m)
        producers[seed] = producer
        run.record("producers", code, outcome, position, len(PRODUCERS))
    return producers


#: the demo producer's public profile: approved (published), with two drawn photos in its own
#: collection (made when the demo account is linked; without demo accounts, the text only)
DEMO_GENUINE_BOX = (
    "正品梁平柚礼盒为牛皮纸色纸箱，正面印有梁平柚图案和农产品地理标志专用标志；侧面白色标签印有"
    "产品名称、本社名称和一枚追溯二维码，扫码显示“正品”及批次信息。封口贴完整，箱内每个柚子套有印社名的网套。"
    "（演示数据）"
)
DEMO_PROFILE_PHOTOS = [
    # (title, kind, caption, close-up of the label?)
    ("川西柚子合作社 正品礼盒", ProducerPhoto.Kind.PACKAGE, "礼盒正面与侧面标签（示例图片）", False),
    ("川西柚子合作社 包装标签", ProducerPhoto.Kind.MARK, "标签上的专用标志与追溯码（示例图片）", True),
]


def load_producer_profile(run: DemoRun) -> None:
    """The demo producer's public profile (公开介绍), published as if an officer had approved it:
    the "how to recognise the genuine box" text and the photos drawn by
    ``core.demo_art.package_illustration`` (with the 梁平柚 demo mark), in the producer's own
    collection, titled 示例·… and tagged 示例图片. Published again only when it differs."""
    from core.demo_art import gi_mark, package_illustration

    producer = Producer.objects.filter(credit_code=DEMO_PRODUCER_ACCOUNT_FOR).first()
    if producer is None:
        return
    link = sync_producer_collection(producer)
    wanted = []
    if link is not None:
        pomelo = GeographicalIndication.Kind.AGRICULTURAL
        for title, kind, caption, close_up in DEMO_PROFILE_PHOTOS:

            def draw(close_up=close_up):
                mark = gi_mark(
                    "梁平柚", "Liangping Pomelo", GI_KIND_ZH[pomelo], GI_KIND_EN[pomelo], "pomelo", "#2f6d8c"
                )
                return package_illustration(producer.name, "梁平柚礼盒", "pomelo", "#2f6d8c", close_up, mark)

            image, outcome = demo_image(title, draw, link.collection, f"demo-profile-{kind}.png")
            wanted.append((image.pk, kind, caption))
            run.record("producer profile photos", title, outcome, len(wanted), len(DEMO_PROFILE_PHOTOS))
    live = [(p.image_id, p.kind, p.caption) for p in producer.profile_photos.order_by("sort_order")]
    if producer.live and producer.genuine_box == DEMO_GENUINE_BOX and live == wanted:
        run.record("producer profiles", producer.credit_code, Outcome.UNCHANGED, 1, 1)
        return
    first = not producer.genuine_box and not live
    producer.genuine_box = DEMO_GENUINE_BOX
    producer.profile_photos = [
        ProducerPhoto(image_id=image_id, kind=kind, caption=caption, sort_order=i)
        for i, (image_id, kind, caption) in enumerate(wanted)
    ]
    EditAction(producer, publish=True).execute(skip_permission_checks=True)
    run.record("producer profiles", producer.credit_code, Outcome.CREATED if first else Outcome.UPDATED, 1, 1)


def load_authorisations(run: DemoRun, gis: dict[str, GeographicalIndication], producers: dict[int, Producer]) -> None:
    for position, row in enumerate(AUTHORISATIONS, 1):
        seed, gi_slug, start, months, status, quota = row
        valid_from = month_start(start)
        valid_until = month_start(start + months) - datetime.timedelta(days=1)
        number = authorisation_number(position, valid_from)
        values = {
            "producer": producers[seed],
            "geographical_indication": gis[gi_slug],
            "scope": AUTHORISATION_SCOPES[gi_slug],
            "valid_from": valid_from,
            "valid_until": valid_until,
            "status": status,
            "yearly_quota": quota,
            "is_demo": True,
        }
        lookup = {"number": number}
        legacy = legacy_authorisation_number(position, valid_from)
        renamed = not Authorisation.objects.filter(number=number).exists()
        if renamed and Authorisation.objects.filter(number=legacy, is_demo=True).exists():
            lookup, values["number"] = {"number": legacy}, number
        _authorisation, outcome = sync_record(Authorisation, lookup, values)
        run.record("authorisations", number, outcome, position, len(AUTHORISATIONS))


def load_standards(run: DemoRun, gis: dict[str, GeographicalIndication]) -> None:
    families = {f.slug: f for f in ProductFamily.objects.all()}
    total = len(STANDARDS)
    pending = []  # (code, replacement code) whose replacement did not exist yet
    for position, data in enumerate(STANDARDS, 1):
        values = {**STANDARD_DEFAULTS, **data}
        code = values.pop("code")
        values["slug"] = standard_slug(code)
        replaced_by = values.pop("replaced_by", None)
        if replaced_by is None:
            values["replaced_by"] = None
        elif (replacement := Standard.objects.filter(code=replaced_by).first()) is not None:
            values["replaced_by"] = replacement
        else:
            pending.append((code, replaced_by))
        m2m = {
            "geographical_indications": [gis[slug] for slug in values.pop("geographical_indications", [])],
            "product_families": [families[slug] for slug in values.pop("product_families", [])],
        }
        _standard, outcome = sync_record(Standard, {"code": code}, values, m2m)
        run.record("standards", code, outcome, position, total)
    # Second pass: "replaced by" a standard that the first pass created after this one.
    for code, replaced_by in pending:
        replacement = Standard.objects.filter(code=replaced_by).first()
        if replacement is None:
            raise CommandError(f"{code} is replaced by {replaced_by}, which is not in the demo data.")
        _standard, outcome = sync_record(Standard, {"code": code}, {"replaced_by": replacement})
        run.record("standards", code, outcome, total, total)


DEMO_STEPS = [Step(RECORDS, load)]
