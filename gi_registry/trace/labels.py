"""QR codes and printable labels for trace codes: PNG, SVG, vector PDF label sheets, CSV and ZIP.

Printing rules: a quiet zone of 4 modules, error correction M by
default (Q or H for boxes that get rough handling), modules of at least 0.4 mm, symbols of
15–25 mm. The URL is written in upper case (``HTTPS://HOST/T/CODE``) so the whole of it is in
QR alphanumeric mode, 5.5 bits a character instead of 8: for a 20-character code and a host of
up to about 20 characters that is a version 3 symbol (29 × 29 modules) at level M.

The PDF draws each symbol from the ``qrcode`` matrix as filled rectangles (one per run of dark
modules in a row), so the print shop gets sharp vector symbols at any size, not a bitmap.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import qrcode
import qrcode.constants
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from core.fonts import packaged_cjk_font
from core.origin import origin_fault, origin_problem, site_origin
from core.spreadsheets import SafeDictWriter

from . import signing

ERROR_CORRECTION = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
QUIET_ZONE = 4
#: Bulk sheets use one fixed mask pattern: choosing the "best" of the eight costs ~7× the time of
#: the whole symbol in pure Python (3 ms against 0.45 ms), and every decoder reads every mask.
BULK_MASK = 2
MM = 72 / 25.4  # PDF points per millimetre


class PrintOriginError(ImproperlyConfigured):
    """The origin for printed codes is one a code must not carry (http, loopback)."""


def base_url() -> str:
    """The origin printed in QR codes: ``TRACE_BASE_URL``, else the site origin (``SITE_ORIGIN``).

    A printed code is forever, so outside development (``DEBUG`` off) an http or loopback origin
    is refused (``PrintOriginError``) instead of printing ``HTTP://127.0.0.1:8000/T/…``;
    production settings refuse to start without an https one."""
    origin = (getattr(settings, "TRACE_BASE_URL", "") or site_origin()).rstrip("/")
    if not settings.DEBUG and not _printable(origin):
        problem = origin_problem(origin)
        if problem:
            raise PrintOriginError(
                _(
                    "Codes cannot be printed with the address %(origin)s: %(problem)s. Set TRACE_BASE_URL (or SITE_ORIGIN) to the public https address."
                )
                % {"origin": origin or "(empty)", "problem": problem}
            )
    return origin


@lru_cache(maxsize=8)
def _printable(origin: str) -> bool:
    return origin_fault(origin) is None  # remembered: base_url() runs for every label


def code_url(code: str) -> str:
    """The URL printed in the QR symbol: scheme and host in upper case (they are case-blind), then
    ``/T/`` and the code, so the symbol can use alphanumeric mode."""
    parts = urlsplit(base_url())
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{parts.path}/T/{code}"


def readable_url(code: str) -> str:
    return f"{base_url()}/t/{code}"


def digital_link(gtin14: str | None, lot: str, code: str) -> str:
    return f"{base_url()}/01/{gtin14}/10/{lot}/21/{code}" if gtin14 else ""


def qr_matrix(data: str, ec: str = "M", *, mask: int | None = None) -> list[list[bool]]:
    """The symbol's modules, quiet zone included (``True`` = dark)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECTION[ec], border=QUIET_ZONE, mask_pattern=mask)
    qr.add_data(data, optimize=0)  # one segment, in the narrowest mode that holds all of it
    qr.make(fit=True)
    return qr.get_matrix()


def qr_version(data: str, ec: str = "M") -> int:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECTION[ec], border=QUIET_ZONE)
    qr.add_data(data, optimize=0)
    qr.make(fit=True)
    return qr.version


def _runs(row: list[bool]) -> Iterable[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row."""
    start = None
    for x, dark in enumerate(row):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            yield start, x - start
            start = None
    if start is not None:
        yield start, len(row) - start


# -- PNG and SVG -------------------------------------------------------------------------------


def qr_png(code: str, ec: str = "M", *, module_px: int = 10) -> bytes:
    """A PNG of the symbol with the code in readable groups under it."""
    matrix = qr_matrix(code_url(code), ec)
    size = len(matrix) * module_px
    text_h = module_px * 4
    image = Image.new("L", (size, size + text_h), 255)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(matrix):
        for x, length in _runs(row):
            draw.rectangle(
                [x * module_px, y * module_px, (x + length) * module_px - 1, (y + 1) * module_px - 1], fill=0
            )
    font = ImageFont.load_default(size=max(10, int(module_px * 2.2)))
    label = signing.display(code)
    width = draw.textlength(label, font=font)
    draw.text(((size - width) / 2, size - module_px), label, fill=0, font=font)
    out = io.BytesIO()
    image.convert("1").save(out, format="PNG", optimize=True)
    return out.getvalue()


def qr_svg(code: str, ec: str = "M", *, module_mm: float = 0.5, mask: int | None = None) -> str:
    """An SVG of the symbol (one path, one rectangle per run of dark modules) and the code under it."""
    matrix = qr_matrix(code_url(code), ec, mask=mask)
    n = len(matrix)
    text_h = 4
    d = "".join(f"M{x} {y}h{length}v1h-{length}z" for y, row in enumerate(matrix) for x, length in _runs(row))
    label = signing.display(code)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n + text_h}" '
        f'width="{n * module_mm:.1f}mm" height="{(n + text_h) * module_mm:.1f}mm">'
        f'<rect width="{n}" height="{n + text_h}" fill="#fff"/>'
        f'<path d="{d}" fill="#000" shape-rendering="crispEdges"/>'
        f'<text x="{n / 2}" y="{n + 1.5}" font-family="monospace" font-size="2.4" text-anchor="middle">{label}</text>'
        "</svg>"
    )


# -- PDF label sheets --------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """An A4 sheet of ``cols`` × ``rows`` labels of ``width`` × ``height`` mm."""

    name: str
    cols: int
    rows: int
    width: float
    height: float
    left: float
    top: float

    @property
    def per_sheet(self) -> int:
        return self.cols * self.rows


A4 = (210.0, 297.0)
LAYOUTS = {
    # 24 labels of 70 × 37 mm (e.g. Avery 3474 / common Chinese "A4 24 格" sheets), no margins.
    "3x8": Layout("3x8", 3, 8, 70.0, 37.0, 0.0, 0.5),
    # 40 labels of 52.5 × 29.7 mm (e.g. Avery 3651 / "A4 40 格"), no margins.
    "4x10": Layout("4x10", 4, 10, 52.5, 29.7, 0.0, 0.0),
}

#: Nothing is printed closer than this to the sheet's edge: most office printers cannot print
#: there (their hardware margin is 3–5 mm), and a sheet fed a little askew would cut it off.
SAFE_MARGIN_MM = 5.0
#: A blank border inside each label: die-cut label stock is cut within about ±1 mm.
CELL_MARGIN_MM = 2.0


@dataclass(frozen=True)
class Box:
    """A rectangle in millimetres, PDF-style: ``x``, ``y`` its lower left corner from the sheet's
    lower left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


def cell_box(spec: Layout, slot: int) -> Box:
    """Label ``slot`` (0 = top left, row by row) of a sheet."""
    col, row = slot % spec.cols, slot // spec.cols
    top = A4[1] - spec.top - row * spec.height
    return Box(spec.left + col * spec.width, top - spec.height, spec.width, spec.height)


def content_box(spec: Layout, slot: int) -> Box:
    """Where a label's content goes: its cell less ``CELL_MARGIN_MM`` all round, and never within
    ``SAFE_MARGIN_MM`` of the sheet's edge (labels on the edge of the stock get it moved inwards)."""
    cell = cell_box(spec, slot)
    left = max(cell.x + CELL_MARGIN_MM, SAFE_MARGIN_MM)
    right = min(cell.right - CELL_MARGIN_MM, A4[0] - SAFE_MARGIN_MM)
    bottom = max(cell.y + CELL_MARGIN_MM, SAFE_MARGIN_MM)
    top = min(cell.top - CELL_MARGIN_MM, A4[1] - SAFE_MARGIN_MM)
    return Box(left, bottom, right - left, top - bottom)


def symbol_mm(spec: Layout) -> float:
    """The side of every symbol of a layout (quiet zone included): the smallest content height of
    its cells, so all labels of a sheet carry the same symbol."""
    return min(content_box(spec, slot).h for slot in range(spec.per_sheet))


@dataclass(frozen=True)
class LabelData:
    code: str
    product: str
    lot: str
    producer: str


# -- fonts: embedded, so the sheet prints the same on any printer -------------------------------

#: The label fonts: WenQuanYi Micro Hei (文泉驿微米黑), a TrueType-outline CJK font (Apache 2.0 /
#: GPLv3 with a font exception, embedding allowed), shipped by the PyPI package
#: ``paperang-p2-fonts-cjk``. ReportLab embeds only TrueType outlines (``glyf``), not the CFF
#: outlines of Noto/Source Han Sans OTFs, and its built-in CID fonts (STSong-Light) are never
#: embedded: a printer without Adobe's Asian font pack prints them in a substitute or not at all.
#: Face 0 is proportional (names), face 1 monospaced (the code). ReportLab embeds a subset: only
#: the glyphs used.
LABEL_FONT = "LabelSans"
LABEL_MONO = "LabelMono"


def _font_file() -> str:
    return packaged_cjk_font()


@lru_cache(maxsize=1)
def label_fonts() -> tuple[str, str]:
    """Register the embedded label fonts with ReportLab once; their names (proportional, mono)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = _font_file()
    pdfmetrics.registerFont(TTFont(LABEL_FONT, path, subfontIndex=0))
    pdfmetrics.registerFont(TTFont(LABEL_MONO, path, subfontIndex=1))
    return LABEL_FONT, LABEL_MONO


def _font_metrics(font: str) -> tuple[float, float]:
    """How far the glyphs reach above and below the baseline, per point of size. The font's own
    ascent (0.765) is less than the top of its ideographs (0.82, as pdfium measures them), so a
    little more is kept: text is placed by these, and must stay inside its box."""
    return 0.88, 0.25


# -- wrapping: names go onto another line, never cut ----------------------------------------------

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
#: not at the start of a line (GB/T 15834 and the usual line-breaking rules)
_NO_LINE_START = set("，。、；：！？）》」』】〕,.;:!?)]%·")


def _tokens(text: str) -> list[str]:
    """Units a line may break between: each CJK character, each run of other letters, each space."""
    tokens: list[str] = []
    for ch in text:
        if _CJK.match(ch) or ch.isspace():
            tokens.append(ch)
        elif tokens and not _CJK.match(tokens[-1]) and not tokens[-1].isspace():
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def wrap(text: str, font: str, size: float, width_pt: float) -> list[str]:
    """Greedy line breaking of ``text`` into lines at most ``width_pt`` wide: between CJK characters
    and at spaces, a Latin word broken only when it is wider than a line; closing punctuation stays
    on the line before."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def fits(s: str) -> bool:
        return stringWidth(s, font, size) <= width_pt

    lines: list[str] = []
    line = ""
    for token in _tokens(" ".join(text.split())):
        candidate = line + token
        if fits(candidate) or not line.strip() and not token.strip():
            line = candidate
            continue
        if token[0] in _NO_LINE_START and line:
            line = candidate  # a little over rather than a comma opening the next line
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = "" if token.isspace() else token
        while line and not fits(line):  # one word wider than a line: break it by characters
            cut = len(line) - 1
            while cut > 1 and not fits(line[:cut]):
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= max(limit, 1) else text[: max(limit, 1)] + "…"


@dataclass(frozen=True)
class TextRun:
    """One line of a label: font, size (pt) and baseline, from the content box's lower left (pt)."""

    font: str
    size: float
    x: float
    y: float
    text: str


#: per layout: (product size, smallest size it may shrink to, code size), in points
TEXT_SIZES = {"3x8": (9.0, 6.5, 7.0), "4x10": (7.0, 5.0, 6.0)}


@lru_cache(maxsize=256)
def label_text(product: str, lot: str, producer: str, layout: str, width_pt: float, height_pt: float) -> tuple:
    """The text lines of one label in a text area of ``width_pt`` × ``height_pt``: the product and
    the producer wrap onto a second line (a third for very long names), shrinking a little where
    that is needed to fit; the code sits at the bottom in two groups of the mono font.

    Labels of one batch share these, so the result is cached."""
    font, mono = label_fonts()
    ascent, descent = _font_metrics(font)
    base, smallest, code_size = TEXT_SIZES[layout]
    code_lead = code_size * 1.15
    code_block = code_size * (ascent + descent) + code_lead  # two lines
    room = height_pt - code_block - 2  # 2 pt at least between the names and the code

    def attempt(size: float, max_lines: int):
        small = size - 0.5
        lead, small_lead = size * 1.18, small * 1.18
        producer_text = producer
        product_lines = wrap(product, font, size, width_pt)
        lot_lines = wrap(f"批次 {lot}", font, small, width_pt)
        producer_lines = wrap(producer_text, font, small, width_pt)
        if len(product_lines) > max_lines or len(producer_lines) > max_lines:
            return None
        lines = [(size, t) for t in product_lines] + [(small, t) for t in lot_lines + producer_lines]
        height = size * ascent + (len(product_lines) - 1) * lead + len(lot_lines + producer_lines) * small_lead
        height += small * descent
        if height > room:
            return None
        runs, y = [], height_pt - size * ascent
        for i, (s, t) in enumerate(lines):
            if i:
                y -= s * 1.18
            runs.append(TextRun(font, s, 0.0, y, t))
        return runs

    def attempt_cut(limit: int):
        nonlocal product, producer
        product, producer = _cut(product, limit // 3), _cut(producer, limit - limit // 3)
        return attempt(smallest, 99)

    # Two lines, shrinking a little (to 85 %); then three, then four, down to the smallest size.
    runs = None
    for max_lines, floor in ((2, base * 0.85), (3, smallest), (4, smallest)):
        size = base
        while runs is None and size >= floor - 1e-6:
            runs = attempt(size, max_lines)
            size -= 0.25
        if runs is not None:
            break
    if runs is None:  # a name far longer than any real one: the smallest size, as many lines as fit
        limit = len(product) + len(producer)
        while runs is None and limit > 0:
            limit -= 4
            runs = attempt_cut(limit)
    return tuple(runs), code_size, code_lead


def label_sheet_pdf(
    labels: Iterable[LabelData],
    layout: str = "3x8",
    ec: str = "M",
    *,
    mask: int | None = BULK_MASK,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """A vector PDF of A4 label sheets, each label with its QR symbol, product, lot, producer and
    code, in embedded fonts, inside its cell's margin and at least ``SAFE_MARGIN_MM`` from the
    sheet's edge. No labels is an error (``NoLabels``), not an empty sheet."""
    from reportlab.lib.pagesizes import A4 as A4_POINTS
    from reportlab.pdfgen import canvas

    spec = LAYOUTS[layout]
    font, mono = label_fonts()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4_POINTS, pageCompression=1, initialFontName=font, initialFontSize=8)
    pdf.setTitle("Trace code labels")
    symbol = symbol_mm(spec) * MM
    gap = 1.5 * MM
    # every label's text in the same width (the narrowest cell's), so a name breaks alike on all
    text_w = min(content_box(spec, slot).w for slot in range(spec.per_sheet)) * MM - symbol - gap
    done = 0
    for index, label in enumerate(labels):
        slot = index % spec.per_sheet
        if slot == 0 and index:
            pdf.showPage()
        box = content_box(spec, slot)
        bx, by, bh = box.x * MM, box.y * MM, box.h * MM
        matrix = qr_matrix(code_url(label.code), ec, mask=mask)
        n = len(matrix)
        module = symbol / n
        qx, qy = bx, by + bh - symbol
        # One path of integer rectangles in module units, scaled by the transform: small and exact.
        ops = " ".join(f"{x} {n - 1 - y} {length} 1 re" for y, row_ in enumerate(matrix) for x, length in _runs(row_))
        pdf.saveState()
        pdf.transform(module, 0, 0, module, qx, qy)
        pdf.addLiteral(f"0 g {ops} f")
        pdf.restoreState()
        # Text to the right of the symbol.
        tx = qx + symbol + gap
        runs, code_size, code_lead = label_text(
            label.product, label.lot, label.producer, layout, round(text_w, 2), round(bh, 2)
        )
        pdf.setFillGray(0)
        for run in runs:
            pdf.setFont(run.font, run.size)
            pdf.drawString(tx + run.x, by + run.y, run.text)
        pdf.setFont(mono, code_size)
        groups = signing.display(label.code).split(" ")
        mono_descent = _font_metrics(mono)[1]
        y = by + code_size * mono_descent + code_lead
        for line in (" ".join(groups[:2]), " ".join(groups[2:])):
            pdf.drawString(tx, y, line)
            y -= code_lead
        done += 1
        if progress and done % 500 == 0:
            progress(done)
    if done == 0:
        raise NoLabels(_("There are no codes to print on labels."))
    pdf.showPage()
    pdf.save()
    if progress:
        progress(done)
    return out.getvalue()


def sheet_preview_png(pdf: bytes, width_px: int = 1240) -> bytes:
    """The first page of a label PDF as a PNG ``width_px`` wide: the print preview of the guided
    flow (``admin.flow``), rasterised by PDFium from the PDF itself, so it shows exactly what
    the printer gets (fonts, wrapping, margins) on any screen, a phone's included, where a PDF
    cannot be shown inline."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        scale = width_px / page.get_width()
        image = page.render(scale=scale).to_pil()
        page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.convert("L").save(out, format="PNG", optimize=True)
    return out.getvalue()


class NoLabels(ValueError):
    """A label sheet was asked for no codes at all (a withdrawn batch, an empty issuance)."""


def alignment_sheet_pdf(layout: str = "3x8") -> bytes:
    """A test sheet for a layout: every cell's outline, crosshairs at its corners, its number, and
    where the symbol and the text will go (grey), to print on plain paper and hold against the
    label stock before printing labels. Like the labels, nothing within ``SAFE_MARGIN_MM`` of the
    edge: lines that would run there are clipped."""
    from reportlab.lib.pagesizes import A4 as A4_POINTS
    from reportlab.pdfgen import canvas

    spec = LAYOUTS[layout]
    font, mono = label_fonts()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4_POINTS, pageCompression=1, initialFontName=font, initialFontSize=8)
    pdf.setTitle(f"Label alignment sheet {layout}")
    safe = SAFE_MARGIN_MM * MM
    pdf.saveState()
    clip = pdf.beginPath()
    clip.rect(safe, safe, (A4[0] - 2 * SAFE_MARGIN_MM) * MM, (A4[1] - 2 * SAFE_MARGIN_MM) * MM)
    pdf.clipPath(clip, stroke=0, fill=0)
    symbol = symbol_mm(spec) * MM
    arm = 3 * MM
    for slot in range(spec.per_sheet):
        cell, box = cell_box(spec, slot), content_box(spec, slot)
        x, y, w, h = cell.x * MM, cell.y * MM, cell.w * MM, cell.h * MM
        # where the symbol and the text go
        pdf.setFillGray(0.88)
        pdf.rect(box.x * MM, box.top * MM - symbol, symbol, symbol, stroke=0, fill=1)
        pdf.setStrokeGray(0.6)
        pdf.setLineWidth(0.4)
        pdf.setDash(2, 2)
        pdf.rect(box.x * MM, box.y * MM, box.w * MM, box.h * MM, stroke=1, fill=0)
        # the cell's outline and a crosshair at each corner
        pdf.setDash()
        pdf.setStrokeGray(0)
        pdf.setLineWidth(0.3)
        pdf.rect(x, y, w, h, stroke=1, fill=0)
        pdf.setLineWidth(0.6)
        for cx, cy in ((x, y), (x + w, y), (x, y + h), (x + w, y + h)):
            pdf.line(cx - arm, cy, cx + arm, cy)
            pdf.line(cx, cy - arm, cx, cy + arm)
        # the cell's number and size, in the text area
        pdf.setFillGray(0)
        tx = box.x * MM + symbol + 1.5 * MM
        number_size = 14 if spec.height > 32 else 11
        pdf.setFont(mono, number_size)
        pdf.drawString(tx, box.top * MM - number_size, str(slot + 1))
        pdf.setFont(font, 6)
        pdf.drawString(tx, box.y * MM + 10, f"{spec.name}  {spec.width:g}×{spec.height:g} mm")
        pdf.drawString(tx, box.y * MM + 2, _("Alignment test"))
    pdf.restoreState()
    pdf.showPage()
    pdf.save()
    return out.getvalue()


# -- CSV and ZIP for print shops ---------------------------------------------------------------

CSV_HEADER = ["code", "code_grouped", "qr_url", "url", "digital_link", "lot", "gtin", "product", "producer", "status"]


def codes_csv(rows: Iterable[dict]) -> str:
    """CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) of codes and their URLs;
    a lot number, product or producer name typed as "=…" reaches the print shop's sheet as text."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = SafeDictWriter(out, fieldnames=CSV_HEADER, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def code_rows(codes) -> list[dict]:
    """One row per code, for the CSV; codes whose key is retired are left out."""
    rows = []
    for code in codes:
        printed = code.printed_code
        if not printed:
            continue
        batch = code.batch
        rows.append(
            {
                "code": printed,
                "code_grouped": signing.display(printed),
                "qr_url": code_url(printed),
                "url": readable_url(printed),
                "digital_link": digital_link(batch.gtin14, batch.lot_number, printed),
                "lot": batch.lot_number,
                "gtin": batch.gtin14 or "",
                "product": batch.display_name,
                "producer": batch.producer.name,
                "status": code.status,
            }
        )
    return rows


def codes_zip(rows: list[dict], ec: str = "M") -> bytes:
    """``codes.csv`` and one SVG symbol per code under ``svg/``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("codes.csv", codes_csv(rows))
        for row in rows:
            archive.writestr(f"svg/{row['code']}.svg", qr_svg(row["code"], ec, mask=BULK_MASK))
    return out.getvalue()


def label_data(codes) -> list[LabelData]:
    result = []
    for code in codes:
        printed = code.printed_code
        if printed:
            batch = code.batch
            result.append(LabelData(printed, batch.display_name, batch.lot_number, batch.producer.name))
    return result
