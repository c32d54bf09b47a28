"""What can be imported: each record type, its key, its columns and their Chinese aliases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from ...models import Authorisation, Producer, Standard


@dataclass(frozen=True)
class ImportKind:
    """One importable record type: its model, key field and columns (field → Chinese aliases).

    The first alias of each column is the header of the downloadable template.
    """

    name: str
    model: type[models.Model]
    key: str
    columns: Mapping[str, tuple[str, ...]]
    label: Any
    #: Fields that identify a row whose key cell is empty (authorisations: the registry gives the
    #: number); empty means the key is required.
    match_without_key: tuple[str, ...] = ()

    def field(self, name: str) -> models.Field:
        return self.model._meta.get_field(name)

    def field_label(self, name: str) -> str:
        return capfirst(str(self.field(name).verbose_name))

    def template_headers(self) -> list[str]:
        return [aliases[0] for aliases in self.columns.values()]

    @property
    def add_permission(self) -> str:
        return f"{self.model._meta.app_label}.add_{self.model._meta.model_name}"

    @property
    def change_permission(self) -> str:
        return f"{self.model._meta.app_label}.change_{self.model._meta.model_name}"


DEMO = ("演示数据",)

KINDS: dict[str, ImportKind] = {
    "producers": ImportKind(
        name="producers",
        model=Producer,
        key="credit_code",
        label=gettext_lazy("Producers"),
        columns={
            "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
            "name": ("名称", "主体名称", "企业名称", "单位名称"),
            "kind": ("类型", "主体类型"),
            "township": ("乡镇", "乡镇(街道)", "乡镇街道", "所在乡镇", "镇街"),
            "address": ("地址", "详细地址"),
            "latitude": ("纬度",),
            "longitude": ("经度",),
            "product_families": ("产品类别", "产业", "主营产品"),
            "contact_person": ("联系人",),
            "contact_phone": ("联系电话", "电话"),
            "contact_public": ("公开联系方式",),
            "website": ("网站", "网址"),
            "description": ("简介", "描述"),
            "status": ("状态",),
            "is_demo": DEMO,
        },
    ),
    "authorisations": ImportKind(
        name="authorisations",
        model=Authorisation,
        key="number",
        label=gettext_lazy("Authorisations"),
        match_without_key=("producer", "geographical_indication", "valid_from"),
        columns={
            "number": ("授权编号", "编号"),
            "producer": ("生产主体统一社会信用代码", "统一社会信用代码", "信用代码", "生产主体", "被授权人"),
            "geographical_indication": ("地理标志", "地理标志名称", "地理标志产品"),
            "scope": ("授权范围", "使用范围"),
            "valid_from": ("有效期起", "生效日期", "起始日期", "开始日期"),
            "valid_until": ("有效期至", "截止日期", "到期日期", "结束日期"),
            "status": ("状态",),
            "yearly_quota": ("年度标签配额", "年度配额", "标签配额"),
            "is_demo": DEMO,
        },
    ),
    "standards": ImportKind(
        name="standards",
        model=Standard,
        key="code",
        label=gettext_lazy("Standards"),
        columns={
            "code": ("标准号", "标准编号", "编号"),
            "title": ("标准名称", "名称"),
            "title_en": ("英文名称",),
            "level": ("级别", "标准级别", "标准类别"),
            "status": ("状态",),
            "issuing_body": ("发布单位", "发布机构", "发布部门"),
            "issued_on": ("发布日期",),
            "implemented_on": ("实施日期",),
            "replaced_by": ("被替代为", "被代替为", "替代为"),
            "geographical_indications": ("地理标志",),
            "product_families": ("产品类别",),
            "scope": ("适用范围", "范围"),
            "is_demo": DEMO,
        },
    ),
}

#: Chinese (and short) spellings of choice values, beside the stored values and their labels.
CHOICE_ALIASES: dict[tuple[type[models.Model], str], dict[str, tuple[str, ...]]] = {
    (Producer, "kind"): {
        "enterprise": ("企业", "公司"),
        "cooperative": ("合作社", "专业合作社", "农民专业合作社"),
        "family_farm": ("家庭农场", "农场"),
        "individual": ("个体", "个体户", "个体工商户"),
    },
    (Producer, "status"): {
        "active": ("正常", "有效", "在营", "存续"),
        "suspended": ("暂停", "停业"),
        "closed": ("注销", "已注销", "关闭"),
    },
    (Authorisation, "status"): {
        "active": ("有效", "正常", "生效"),
        "suspended": ("暂停", "中止"),
        "revoked": ("撤销", "已撤销", "吊销"),
        "expired": ("过期", "已过期", "到期", "失效"),
    },
    (Standard, "level"): {
        "national": ("国家标准", "国标", "GB", "GB/T", "GB/Z"),
        "industry": ("行业标准", "行标"),
        "local": ("地方标准", "地标", "DB", "DB50", "DB50/T"),
        "group": ("团体标准", "团标", "T"),
        "enterprise": ("企业标准", "企标", "Q"),
    },
    (Standard, "status"): {
        "current": ("现行", "现行有效", "有效"),
        "superseded": ("被代替", "被替代", "已替代", "已被代替"),
        "withdrawn": ("废止", "已废止", "作废"),
    },
}
