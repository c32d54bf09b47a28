"""Label sheets as a printer sees them: embedded fonts, names wrapped (never cut), nothing near the
sheet's edge or a cell's border, QR symbols that still decode, the alignment test sheet, and a
clear message instead of a PDF for a withdrawn batch or one without codes."""

import os
import re
import uuid

import pypdfium2
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from PIL import ImageOps

from gi_registry.demo import PRODUCERS
from gi_registry.trace import label_jobs, labels, signing
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import LabelJob

from .test_labels import decode, pdf_pages

MM = labels.MM
LONGEST_DEMO_PRODUCER = max((row[4] for row in PRODUCERS), key=len)
LONGER_PRODUCER = "重庆市梁平区礼让镇川西村金柚种植与农产品加工销售专业合作社联合社"
LONG_PRODUCT = "梁平柚（礼盒装，特级果）精选十斤装"


def font_dictionaries(pdf: bytes) -> list[tuple[str, bool]]:
    """(base font name, embedded?) of the font of every text object on every page, as pdfium reads
    the PDF's font dictionaries (embedded: the descriptor carries a font file, FontFile2 for
    TrueType)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    found = set()
    doc = pypdfium2.PdfDocument(pdf)
    try:
        for page in doc:
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
                font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
                size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
                buffer = ctypes.create_string_buffer(size)
                pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
                found.add((buffer.value.decode(), bool(pdfium_c.FPDFFont_GetIsEmbedded(font))))
    finally:
        doc.close()
    return sorted(found)


def text_boxes(pdf: bytes, page_index: int = 0) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each printed character and its box (left, bottom, right, top) in points, as pdfium reads it."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        textpage = doc[page_index].get_textpage()
        chars = []
        for i in range(textpage.count_chars()):
            ch = textpage.get_text_range(i, 1)
            if ch.strip():
                chars.append((ch, textpage.get_charbox(i)))
        return chars
    finally:
        doc.close()


def page_text(pdf: bytes, page_index: int = 0) -> str:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return doc[page_index].get_textpage().get_text_range()
    finally:
        doc.close()


def sheet(layout: str, n: int, producer: str = LONGEST_DEMO_PRODUCER, product: str = "梁平柚 礼盒装") -> bytes:
    data = [labels.LabelData(signing.sign(bytes([i]) * 8), product, "LP2025-1018", producer) for i in range(n)]
    return labels.label_sheet_pdf(data, layout, "M")


@pytest.mark.parametrize("layout", ["3x8", "4x10"])
def test_every_font_is_embedded(layout):
    pdf = sheet(layout, 3)
    fonts = font_dictionaries(pdf)
    assert fonts, "no font found: the parser is wrong"
    assert all(embedded for _, embedded in fonts), fonts
    assert not any(name.startswith(("Helvetica", "Courier", "STSong")) for name, _ in fonts)
    assert {name.split("+")[-1] for name, _ in fonts} == {"WenQuanYiMicroHei-0", "WenQuanYiMicroHeiMono-1"}


def test_the_font_check_fails_on_a_sheet_in_an_unembedded_cid_font():
    """The check above is not blind: a PDF set in reportlab's STSong-Light (never embedded) fails it."""
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, initialFontName="STSong-Light")
    pdf.drawString(72, 720, "梁平柚")
    pdf.save()
    assert ("STSong-Light", False) in font_dictionaries(out.getvalue())


@pytest.mark.parametrize("layout", ["3x8", "4x10"])
@pytest.mark.parametrize("producer", [LONGEST_DEMO_PRODUCER, LONGER_PRODUCER])
def test_long_names_wrap_whole_and_the_symbols_still_decode(layout, producer):
    per_sheet = labels.LAYOUTS[layout].per_sheet
    pdf = sheet(layout, per_sheet, producer=producer, product=LONG_PRODUCT)
    text = page_text(pdf)
    assert "…" not in text
    flat = re.sub(r"\s+", "", text)
    assert flat.count(producer) == per_sheet  # every character of the name printed, in order
    assert flat.count(re.sub(r"\s+", "", LONG_PRODUCT)) == per_sheet
    # on two lines or more: the name's characters sit at more than one height in a label
    box = labels.content_box(labels.LAYOUTS[layout], 0)
    first_label = [b for ch, b in text_boxes(pdf) if ch in producer and b[0] < box.right * MM and b[1] > box.y * MM]
    assert len({round(b[1]) for b in first_label}) >= 2
    codes = {labels.code_url(signing.sign(bytes([i]) * 8)) for i in range(per_sheet)}
    assert decode(pdf_pages(pdf)[0]) == codes


def test_a_demo_name_keeps_its_size_on_two_lines():
    """Wrapping comes first; shrinking only a little (the longest demo name on 3×8 at 85 % or more)."""
    spec = labels.LAYOUTS["3x8"]
    box = labels.content_box(spec, 0)
    width = (box.w - labels.symbol_mm(spec) - 1.5) * MM
    runs, _, _ = labels.label_text("梁平柚", "LP1", LONGEST_DEMO_PRODUCER, "3x8", round(width, 2), round(box.h * MM, 2))
    producer_runs = [r for r in runs if r.text and r.text in LONGEST_DEMO_PRODUCER]
    assert len(producer_runs) == 2
    assert "".join(r.text for r in producer_runs) == LONGEST_DEMO_PRODUCER
    assert producer_runs[0].size >= 0.85 * labels.TEXT_SIZES["3x8"][0] - 0.5


@pytest.mark.parametrize("layout", ["3x8", "4x10"])
def test_nothing_is_printed_near_the_sheet_edge_or_a_cell_border(layout):
    spec = labels.LAYOUTS[layout]
    pdf = sheet(layout, spec.per_sheet, producer=LONGER_PRODUCER, product=LONG_PRODUCT)
    # text: every character inside its cell's content box (the cell less its margin, and 5 mm
    # clear of the sheet's edge)
    cells = [(labels.cell_box(spec, s), labels.content_box(spec, s)) for s in range(spec.per_sheet)]
    chars = text_boxes(pdf)
    assert len(chars) > spec.per_sheet * 20
    tolerance = 0.3  # points
    for ch, (left, bottom, right, top) in chars:
        cx, cy = (left + right) / 2 / MM, (bottom + top) / 2 / MM
        cell, box = next((c, b) for c, b in cells if c.x <= cx <= c.right and c.y <= cy <= c.top)
        assert left >= box.x * MM - tolerance and right <= box.right * MM + tolerance, (ch, cell)
        assert bottom >= box.y * MM - tolerance and top <= box.top * MM + tolerance, (ch, cell)
        assert box.x >= cell.x + labels.CELL_MARGIN_MM and box.right <= cell.right - labels.CELL_MARGIN_MM
    # everything drawn (symbols included): the rendered page is white within 5 mm of the edge and
    # along every cell border
    dpi = 100
    page = ImageOps.invert(pdf_pages(pdf, dpi=dpi)[0].convert("L"))
    px = dpi / 25.4
    w, h = page.size
    edge = int(labels.SAFE_MARGIN_MM * px) - 1
    for strip in ((0, 0, w, edge), (0, h - edge, w, h), (0, 0, edge, h), (w - edge, 0, w, h)):
        assert page.crop(strip).point(lambda v: 255 if v > 8 else 0).getbbox() is None, strip
    margin = int(labels.CELL_MARGIN_MM * px) - 1
    for cell, _ in cells:
        left, right = int(cell.x * px), int(cell.right * px)
        top, bottom = int((297 - cell.top) * px), int((297 - cell.y) * px)
        for strip in (
            (left, top, left + margin, bottom),
            (right - margin, top, right, bottom),
            (left, top, right, top + margin),
            (left, bottom - margin, right, bottom),
        ):
            assert page.crop(strip).point(lambda v: 255 if v > 8 else 0).getbbox() is None, (cell, strip)
    # and the page shows something at all (the check above is not looking at a blank page)
    assert page.getbbox() is not None


def test_no_codes_is_an_error_not_an_empty_sheet():
    with pytest.raises(labels.NoLabels):
        labels.label_sheet_pdf([], "3x8")


@pytest.mark.parametrize(("layout", "cells"), [("3x8", 24), ("4x10", 40)])
def test_the_alignment_sheet_numbers_and_outlines_every_cell(layout, cells):
    pdf = labels.alignment_sheet_pdf(layout)
    assert all(embedded for _, embedded in font_dictionaries(pdf))
    numbers = [int(n) for n in re.findall(r"(?m)^(\d+)\s*$", page_text(pdf))]
    assert sorted(numbers) == list(range(1, cells + 1))
    spec = labels.LAYOUTS[layout]
    dpi = 100
    page = ImageOps.invert(pdf_pages(pdf, dpi=dpi)[0].convert("L"))
    px = dpi / 25.4
    w, h = page.size
    edge = int(labels.SAFE_MARGIN_MM * px) - 1
    assert page.crop((0, 0, w, edge)).point(lambda v: 255 if v > 8 else 0).getbbox() is None
    # a dark line where two cells meet (the outline), e.g. between the first two columns
    x = round(spec.width * px)
    column = page.crop((x - 1, h // 3, x + 2, h // 3 + 40)).convert("L")
    assert column.getextrema()[1] > 128


# -- in the admin ------------------------------------------------------------------------------


@pytest.fixture
def own_batch(producer_user):
    batch = BatchFactory()
    batch.producer.accounts.add(producer_user)
    batch.producer.save()
    return batch


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("status", ["withdrawn", "recalled"])
def test_a_withdrawn_batch_gets_a_message_not_a_pdf(client, producer_user, own_batch, status):
    issue_codes(own_batch, 3)
    own_batch.withdraw(status, "质量抽检不合格")
    client.force_login(producer_user)
    for fmt in ("pdf", "zip"):
        response = client.get(reverse("trace_admin:download", args=[own_batch.pk, fmt]), follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("trace_admin:batch", args=[own_batch.pk])
        assert not response.content.startswith(b"%PDF") and response["Content-Type"].startswith("text/html")
        label = "已撤回" if status == "withdrawn" else "已召回"
        assert any(own_batch.lot_number in m and label in m and "标签" in m for m in messages_of(response)), (
            messages_of(response)
        )
    page = client.get(reverse("trace_admin:batch", args=[own_batch.pk]))
    assert b"data-label-pdf" not in page.content and b"data-labels-refused" in page.content
    # the CSV (a record of the codes and their status) is still there
    csv = client.get(reverse("trace_admin:download", args=[own_batch.pk, "csv"]))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")


def test_a_batch_without_codes_says_so(client, officer, own_batch):
    client.force_login(officer)
    response = client.get(reverse("trace_admin:download", args=[own_batch.pk, "pdf"]), follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert any("没有可打印" in m for m in messages_of(response)), messages_of(response)


def test_the_background_job_uses_the_same_renderer(own_batch, producer_user):
    issue_codes(own_batch, 4)
    own_batch.producer.name = LONGER_PRODUCER
    own_batch.producer.save()
    job = label_jobs.request_job(producer_user, own_batch, "pdf", "4x10", "Q", "", [1])
    body, name = label_jobs.render(LabelJob.objects.get(pk=job.pk))
    assert name.endswith("-labels-4x10.pdf")
    assert all(embedded for _, embedded in font_dictionaries(body))
    assert LONGER_PRODUCER in re.sub(r"\s+", "", page_text(body))
    assert len(decode(pdf_pages(body)[0])) == 4


def test_a_job_for_a_batch_withdrawn_meanwhile_fails_with_a_message(own_batch, producer_user):
    issue_codes(own_batch, 2)
    job = LabelJob.objects.create(
        token=uuid.uuid4(), batch=own_batch, fmt="pdf", layout="3x8", ec="M", code_count=2, digest="x"
    )
    own_batch.withdraw("withdrawn", "test")
    with pytest.raises(labels.NoLabels):
        label_jobs.render(job)


@pytest.mark.parametrize("layout", ["3x8", "4x10"])
def test_the_alignment_sheet_is_downloadable_by_producers_and_officers_only(
    client, producer_user, officer, brand_editor, layout
):
    url = reverse("trace_admin:alignment_sheet", args=[layout])
    for user in (producer_user, officer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert f"label-alignment-{layout}.pdf" in response["Content-Disposition"]
    client.force_login(brand_editor)
    refused = client.get(url)
    assert refused.status_code in (302, 403) and not refused.content.startswith(b"%PDF")
    client.force_login(officer)
    assert client.get(reverse("trace_admin:alignment_sheet", args=["5x13"])).status_code == 404


def test_the_codes_page_links_the_alignment_sheets(client, producer_user, own_batch):
    client.force_login(producer_user)
    page = client.get(reverse("trace_admin:batch", args=[own_batch.pk])).content.decode()
    for layout in labels.LAYOUTS:
        assert reverse("trace_admin:alignment_sheet", args=[layout]) in page
    assert "对齐测试" in page


def test_pdffonts_agrees_where_poppler_is_installed(tmp_path):
    """The same check with poppler's ``pdffonts`` (the tool a print shop would run), when present."""
    import shutil
    import subprocess

    if not shutil.which("pdffonts"):
        if os.environ.get("REQUIRE_BROWSER") == "1":  # CI installs poppler-utils with chromium
            pytest.fail("REQUIRE_BROWSER=1 but poppler-utils (pdffonts) is not installed")
        pytest.skip("poppler-utils (pdffonts) is not installed")
    for name, body in (("labels.pdf", sheet("4x10", 2)), ("alignment.pdf", labels.alignment_sheet_pdf("3x8"))):
        path = tmp_path / name
        path.write_bytes(body)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
        rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
        assert len(rows) == 2, out
        for row in rows:
            # name, type, encoding, then "emb sub uni" — all "yes"
            assert row[1] == "TrueType" and row[-5:-2] == ["yes", "yes", "yes"], out
