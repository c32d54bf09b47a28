"""The compliance certificate (承诺达标合格证): which batches need one, issuing and superseding it,
and its PDF.

The rule relied on is 农业农村部令2025年第4号 (《食用农产品承诺达标合格证管理办法》), in force
2026-02-01, as read in secondary sources (the full text was not at hand; medium confidence): a
producer of edible farm products (食用农产品) issues a certificate with each batch it sells; the
listed categories are vegetables, fruit, live livestock and poultry, eggs and farmed aquatic
products (蔬菜、水果、畜禽、禽蛋、养殖水产品); processed foods (食品, e.g. braised duck or dried bean
curd sticks) are outside it; records are kept at least six months; the QR form is allowed when
it reads "承诺达标合格证". See ``certificate_requirement`` for how a batch is placed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import labels
from .models import Batch, CertificateRetained, ComplianceCertificate

# -- which batches need one -----------------------------------------------------------------------

#: words in a product's name that make it a processed food (食品), outside the rule
PROCESSED_WORDS = (
    "卤",
    "烤",
    "熏",
    "腌",
    "酱",
    "张鸭子",
    "豆筋",
    "腐竹",
    "豆干",
    "豆腐",
    "笋干",
    "罐头",
    "饮",
    "汁",
    "加工",
)
#: words that make it a live animal or a fresh product, inside the rule
LIVE_WORDS = ("活",)
FRESH_WORDS = ("鲜",)

FRESH_FRUIT, FRESH_VEGETABLE, LIVE_ANIMAL, FRESH_MEAT, PROCESSED, GRAIN, UNKNOWN = (
    "fresh_fruit",
    "fresh_vegetable",
    "live_animal",
    "fresh_meat",
    "processed",
    "grain",
    "unknown",
)
#: a product family's product type when the names say nothing more
FAMILY_DEFAULT = {
    "pomelo": FRESH_FRUIT,
    "bamboo": FRESH_VEGETABLE,
    "duck": PROCESSED,  # 梁平张鸭子: the family's GI is the braised duck; a live duck says 活
    "beans": PROCESSED,  # 豆筋, 豆干
    "rice": GRAIN,
}
#: the family's product when it is live or fresh
FAMILY_LIVE = {"duck": LIVE_ANIMAL, "other": LIVE_ANIMAL, "pomelo": FRESH_FRUIT, "bamboo": FRESH_VEGETABLE}


@dataclass(frozen=True)
class Requirement:
    needed: bool
    product_type: str
    reason: str


def product_type(batch: Batch) -> str:
    """The batch's product type, from its product name, else its GI's name, else its product
    family: a processed word wins over a fresh one ("鲜笋罐头" is processed)."""
    gi = batch.authorisation.geographical_indication
    family = gi.product_family.slug
    for name in (batch.product_name, gi.name):
        if not name:
            continue
        if any(word in name for word in PROCESSED_WORDS):
            return PROCESSED
        if any(word in name for word in LIVE_WORDS):
            return LIVE_ANIMAL if family in ("duck", "other") else FAMILY_LIVE.get(family, UNKNOWN)
        if any(word in name for word in FRESH_WORDS):
            return FRESH_MEAT if family in ("duck", "other") else FAMILY_LIVE.get(family, UNKNOWN)
    if family == "other" and "活" in (gi.goods or ""):
        return LIVE_ANIMAL
    return FAMILY_DEFAULT.get(family, UNKNOWN)


def certificate_requirement(batch: Batch) -> Requirement:
    """Whether a batch needs a compliance certificate, and why, by its product family and type.

    Rule relied on: 农业农村部令2025年第4号 (in force 2026-02-01, read in secondary sources): fresh
    fruit (梁平柚), fresh vegetables (bamboo shoots), live livestock and poultry and their fresh
    (unprocessed) meat need one;
    processed foods (张鸭子 braised duck, 豆筋 and 豆干) do not, nor do grains, which are not among
    the listed categories. A product that cannot be placed is reported as such, with the advice
    to issue one when in doubt.
    """
    kind = product_type(batch)
    if kind == FRESH_FRUIT:
        return Requirement(True, kind, _("Fresh fruit is an edible farm product listed by the rule."))
    if kind == FRESH_VEGETABLE:
        return Requirement(True, kind, _("Fresh vegetables (such as bamboo shoots) are listed by the rule."))
    if kind == LIVE_ANIMAL:
        return Requirement(True, kind, _("Live livestock and poultry are listed by the rule."))
    if kind == FRESH_MEAT:
        return Requirement(True, kind, _("Fresh (unprocessed) meat of livestock and poultry is listed by the rule."))
    if kind == PROCESSED:
        return Requirement(
            False, kind, _("A processed food is not an edible farm product under the rule; no certificate is required.")
        )
    if kind == GRAIN:
        return Requirement(
            False, kind, _("Grain is not among the categories the rule lists; a certificate may still be issued.")
        )
    return Requirement(
        False, kind, _("The product could not be placed in a listed category; issue a certificate if in doubt.")
    )


# -- issuing --------------------------------------------------------------------------------------


def prefill(batch: Batch) -> dict:
    """The certificate's fields as the batch, its producer, authorisation and GI give them."""
    producer = batch.producer
    gi = batch.authorisation.geographical_indication
    origin = "重庆市梁平区"
    if producer.township_id:
        origin += producer.township.name
    if batch.plot:
        origin += f" {batch.plot}"
    if batch.inspection_report_id:
        basis = [ComplianceCertificate.Basis.COMMISSIONED_TEST]
    elif batch.inspection_results:
        basis = [ComplianceCertificate.Basis.SELF_TEST]
    else:
        basis = [ComplianceCertificate.Basis.SELF_COMMITMENT]
    contact = " ".join(part for part in (producer.contact_person, producer.contact_phone) if part)
    return {
        "product_name": batch.product_name or gi.name,
        "quantity": batch.quantity,
        "unit": batch.unit,
        "producer_name": producer.name,
        "producer_contact": contact,
        "origin": origin[:150],
        "issue_date": timezone.localdate(),
        "basis": basis,
        "signatory": producer.contact_person,
    }


def _touch(batch: Batch) -> None:
    # The trace page caches a batch's details under its ``updated_at``: the link shows at once.
    Batch.objects.filter(pk=batch.pk).update(updated_at=timezone.now())


@transaction.atomic
def issue_certificate(batch: Batch, user, **fields) -> ComplianceCertificate:
    """A new certificate for ``batch``, validated in full (``ValidationError`` writes nothing)."""
    certificate = ComplianceCertificate(batch=batch, issued_by=user, **fields)
    certificate.full_clean()
    certificate.save()
    log(certificate, "wagtail.create", user=user)
    _touch(batch)
    return certificate


@transaction.atomic
def supersede_certificate(old: ComplianceCertificate, user, **fields) -> ComplianceCertificate:
    """Issue a certificate that replaces ``old``; ``old`` is kept and records its replacement."""
    old = ComplianceCertificate.objects.select_for_update().get(pk=old.pk)
    if old.superseded_by_id is not None:
        raise CertificateRetained(_("This certificate has already been superseded."))
    new = issue_certificate(old.batch, user, **fields)
    old.superseded_by, old.superseded_at = new, timezone.now()
    old.save(update_fields=["superseded_by", "superseded_at"])
    log(old, "trace.certificate.supersede", user=user, data={"by": new.pk})
    return new


@transaction.atomic
def issue_or_supersede(batch: Batch, user, **fields) -> ComplianceCertificate:
    """The batch's first certificate, or one that supersedes its current one. The batch row is
    locked first, so two issues at once cannot leave the batch with two current certificates. A
    withdrawn or recalled batch is not sold: no certificate is issued for it (its past ones stay)."""
    locked = Batch.objects.select_for_update().filter(pk=batch.pk).first()
    if locked is not None and not locked.is_active:
        raise ValidationError(
            _("Lot %(lot)s is %(status)s: it is not sold, so no certificate is issued for it.")
            % {"lot": locked.lot_number, "status": locked.get_status_display()}
        )
    current = current_certificate(batch)
    if current is None:
        return issue_certificate(batch, user, **fields)
    return supersede_certificate(current, user, **fields)


def current_certificate(batch: Batch) -> ComplianceCertificate | None:
    return batch.certificates.current().order_by("-issued_at", "-pk").first()


# -- the public address and the PDF ---------------------------------------------------------------


def certificate_url(certificate: ComplianceCertificate) -> str:
    """The address printed in the QR symbol: upper case, so the symbol uses alphanumeric mode
    (the route matches the token without regard to case). Origin as for trace codes."""
    from urllib.parse import urlsplit

    parts = urlsplit(labels.base_url())
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{parts.path}/C/{certificate.token.upper()}"


QR_CAPTION = "承诺达标合格证"
SIZES = ("a6", "sheet")
MM = labels.MM


def _qr(pdf, data: str, x: float, y: float, size: float) -> None:
    matrix = labels.qr_matrix(data, "M")
    n = len(matrix)
    ops = " ".join(f"{c} {n - 1 - r} {length} 1 re" for r, row in enumerate(matrix) for c, length in labels._runs(row))
    pdf.saveState()
    pdf.transform(size / n, 0, 0, size / n, x, y)
    pdf.addLiteral(f"0 g {ops} f")
    pdf.restoreState()


def _draw(pdf, cert: ComplianceCertificate, x: float, y: float, w: float, h: float, unit: float) -> None:
    """One certificate in the box (x, y, w, h) in points; ``unit`` is the base type size."""
    font, _mono = labels.label_fonts()
    pdf.setLineWidth(0.6)
    pdf.rect(x, y, w, h)
    pad = 3 * MM
    top = y + h - pad
    pdf.setFont(font, unit * 1.6)
    pdf.drawCentredString(x + w / 2, top - unit * 1.6, QR_CAPTION)
    cursor = top - unit * 1.6 - unit * 1.9
    qr_size = min(w * 0.3, h * 0.32)
    text_w = w - 2 * pad - qr_size - 2 * MM
    rows = [
        ("食用农产品名称", cert.product_name),
        ("数量（重量）", f"{cert.quantity.normalize():f} {cert.get_unit_display()}"),
        ("产地", cert.origin),
        ("生产者", cert.producer_name),
        ("联系方式", cert.producer_contact),
        ("开具日期", cert.issue_date.strftime("%Y年%m月%d日")),
    ]
    pdf.setFont(font, unit)
    for index, (label, value) in enumerate(rows):
        width = text_w if index < 5 else w - 2 * pad
        for line in labels.wrap(f"{label}：{value}", font, unit, width):
            pdf.drawString(x + pad, cursor, line)
            cursor -= unit * 1.35
    # QR symbol and its caption at the top right, below the title
    qx = x + w - pad - qr_size
    qy = top - unit * 3.2 - qr_size
    _qr(pdf, certificate_url(cert), qx, qy, qr_size)
    pdf.setFont(font, unit * 0.8)
    pdf.drawCentredString(qx + qr_size / 2, qy - unit * 0.9, QR_CAPTION)
    cursor = min(cursor, qy - unit * 2)
    pdf.setFont(font, unit * 0.95)
    for line in labels.wrap("我承诺对生产销售的食用农产品：" + cert.commitment + "。", font, unit * 0.95, w - 2 * pad):
        pdf.drawString(x + pad, cursor, line)
        cursor -= unit * 1.25
    # the basis: a box per option, ticked (two strokes) when chosen; the font has no ☑ glyph
    from reportlab.pdfbase.pdfmetrics import stringWidth

    chosen = set(cert.basis)
    size = unit * 0.95
    label = "承诺依据："
    pdf.drawString(x + pad, cursor, label)
    bx = x + pad + stringWidth(label, font, size)
    box = size * 0.85
    for key, text in ComplianceCertificate.Basis.choices:
        name = str(text).split("(")[-1].rstrip(")")
        width = box + size * 0.3 + stringWidth(name, font, size) + size * 0.8
        if bx + width > x + w - pad:
            cursor -= unit * 1.3
            bx = x + pad + stringWidth(label, font, size)
        pdf.setLineWidth(0.5)
        pdf.rect(bx, cursor - size * 0.1, box, box)
        if key in chosen:
            pdf.setLineWidth(1)
            tick = pdf.beginPath()
            tick.moveTo(bx + box * 0.18, cursor - size * 0.1 + box * 0.5)
            tick.lineTo(bx + box * 0.42, cursor - size * 0.1 + box * 0.2)
            tick.lineTo(bx + box * 0.85, cursor - size * 0.1 + box * 0.85)
            pdf.drawPath(tick, stroke=1, fill=0)
        pdf.drawString(bx + box + size * 0.3, cursor, name)
        bx += width
    cursor -= unit * 1.3
    pdf.setFont(font, unit)
    sign_y = y + pad
    pdf.drawString(x + pad, sign_y, f"生产者盖章或签名：{cert.signatory}")
    pdf.line(x + pad + unit * 9.2, sign_y - 1.5, x + w - pad, sign_y - 1.5)


def certificate_pdf(cert: ComplianceCertificate, size: str = "a6", copies: int = 8) -> bytes:
    """A vector PDF of the certificate: ``a6`` one A6 page; ``sheet`` an A4 page of ``copies``
    label-size certificates (2 × 4, 100 × 70 mm), to cut and put one with each lot sold. Fonts
    embedded (the label fonts), QR symbols as vector rectangles."""
    from reportlab.lib.pagesizes import A4, A6
    from reportlab.pdfgen import canvas

    font, _mono = labels.label_fonts()
    out = io.BytesIO()
    if size == "a6":
        pdf = canvas.Canvas(out, pagesize=A6, pageCompression=1, initialFontName=font, initialFontSize=8)
        pdf.setTitle(QR_CAPTION)
        margin = 5 * MM
        _draw(pdf, cert, margin, margin, A6[0] - 2 * margin, A6[1] - 2 * margin, 10)
    elif size == "sheet":
        pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=8)
        pdf.setTitle(QR_CAPTION)
        cell_w, cell_h = 100 * MM, 70 * MM
        left = (A4[0] - 2 * cell_w) / 2
        bottom = (A4[1] - 4 * cell_h) / 2
        for index in range(max(1, copies)):
            slot = index % 8
            if slot == 0 and index:
                pdf.showPage()
            col, row = slot % 2, slot // 2
            box_x = left + col * cell_w + 1.5 * MM
            box_y = A4[1] - bottom - (row + 1) * cell_h + 1.5 * MM
            _draw(pdf, cert, box_x, box_y, cell_w - 3 * MM, cell_h - 3 * MM, 6.5)
    else:
        raise ValueError(f"unknown size {size!r}")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
