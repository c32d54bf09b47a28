"""Cases, reports and accounts for the enforcement staff's tests (imported by their test modules)."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from gi_registry.factories import ProducerFactory, family, make_user
from gi_registry.protection.models import Case, CaseAttachment, Report, ReportPhoto
from gi_registry.protection.setup import ENFORCEMENT_STAFF
from gi_registry.trace.factories import BatchFactory

PHONE = "13800138000"


def jpeg_bytes(size=(40, 30), colour=(200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def evidence_like_snapshot(code: str) -> dict:
    """The shape of ``evidence.snapshot`` (the consumer helper's module) for a code with scans."""
    return {
        "taken_at": "2026-12-01T02:30:00+00:00",
        "code": {"typed": code.lower(), "normalised": code, "printed": code},
        "signature": "forged",
        "verdict": "forged",
        "scans": {
            "count": 3,
            "first_at": "2026-11-30T01:00:00+00:00",
            "distinct_origins": 2,
            "clients": {"browser": 3},
            "timeline": [
                {"day": "2026-11-30", "scans": 2, "origins": 1},
                {"day": "2026-12-01", "scans": 1, "origins": 1},
            ],
        },
        "related_cases": {"same_code": [], "same_batch": [], "same_shop": ["LPWQ-2026-00099"]},
    }


def make_case(*, producer=None, batch=None, phone=PHONE, consent=True, photo=True, **fields) -> Case:
    """A case with one report (a phone number given with consent, one photo) about ``batch``'s producer."""
    if batch is None and producer is not None:
        batch = BatchFactory(authorisation__producer=producer, producer=producer)
    fields.setdefault("code_text", "ZNSQTMAWKGXPTPU54Y5H")
    fields.setdefault("place", "梁平区")
    fields.setdefault("shop_key", "梁平区双桂街道水果店")
    case = Case.objects.create(
        batch=batch,
        producer=batch.producer if batch else None,
        product_family=fields.pop("product_family", None) or family("pomelo"),
        **fields,
    )
    report = Report.objects.create(
        case=case,
        code_typed=case.code_text,
        code_normalised=case.code_text,
        verdict="forged",
        where_bought=Report.WhereBought.SHOP,
        shop_name="双桂街道水果店",
        place=case.place,
        problems=["code_fails", "fake_mark"],
        description="盒子上的标志印得很模糊",
        phone=phone,
        contact_consent=consent,
        consent_text="我同意执法人员就此举报联系我" if consent else "",
        evidence=evidence_like_snapshot(case.code_text),
    )
    if photo:
        picture = ReportPhoto(report=report, width=40, height=30)
        picture.image.save("p.jpg", ContentFile(jpeg_bytes()), save=False)
        picture.size = picture.image.size
        picture.save()
    return case


def attach(case: Case, title="检验报告") -> CaseAttachment:
    attachment = CaseAttachment(case=case, title=title)
    attachment.file.save("report.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def staff(db):
    return make_user("staff", ENFORCEMENT_STAFF, email="staff@example.invalid")


@pytest.fixture
def own_producer(producer_user):
    producer = ProducerFactory()
    producer.accounts.add(producer_user)
    producer.save()  # a ParentalManyToManyField is written on save
    return producer


@pytest.fixture
def case(own_producer):
    return make_case(producer=own_producer)


@pytest.fixture
def other_case(db):
    return make_case(producer=ProducerFactory(), code_text="ZEFHEFC57YXQ4UNJNXAD", shop_key="重庆市某超市")
