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


@dataclass(frozen=True)
class LabelData:
    code: str
    product: str
    lot: str
    producer: str


def _cjk_font() -> str:
    """A font ReportLab can set Chinese in: Adobe's STSong-Light CID font (no embedding needed)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    name = "STSong-Light"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def _fit(text: str, font: str, size: float, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def label_sheet_pdf(
    labels: Iterable[LabelData],
    layout: str = "3x8",
    ec: str = "M",
    *,
    mask: int | None = BULK_MASK,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """A vector PDF of A4 label sheets, each label with its QR symbol, product, lot, producer and code."""
    from reportlab.lib.pagesizes import A4 as A4_POINTS
    from reportlab.pdfgen import canvas

    spec = LAYOUTS[layout]
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4_POINTS, pageCompression=1)
    pdf.setTitle("Trace code labels")
    font = _cjk_font()
    pad = 2.5  # mm inside each label
    done = 0
    for index, label in enumerate(labels):
        slot = index % spec.per_sheet
        if slot == 0 and index:
            pdf.showPage()
        col, row = slot % spec.cols, slot // spec.cols
        x0 = (spec.left + col * spec.width) * MM
        y_top = (A4[1] - spec.top - row * spec.height) * MM  # PDF y grows upwards
        matrix = qr_matrix(code_url(label.code), ec, mask=mask)
        n = len(matrix)
        symbol = (spec.height - 2 * pad) * MM  # the symbol, quiet zone included, fills the height
        module = symbol / n
        qx, qy = x0 + pad * MM, y_top - pad * MM - symbol
        # One path of integer rectangles in module units, scaled by the transform: small and exact.
        ops = " ".join(f"{x} {n - 1 - y} {length} 1 re" for y, row_ in enumerate(matrix) for x, length in _runs(row_))
        pdf.saveState()
        pdf.transform(module, 0, 0, module, qx, qy)
        pdf.addLiteral(f"0 g {ops} f")
        pdf.restoreState()
        # Text to the right of the symbol.
        tx = qx + symbol + 1.5 * MM
        text_w = x0 + spec.width * MM - tx - pad * MM
        size = 9 if spec.height > 32 else 7
        y = y_top - (pad + 3.5) * MM
        pdf.setFillGray(0)
        pdf.setFont(font, size)
        pdf.drawString(tx, y, _fit(label.product, font, size, text_w))
        y -= size * 1.35
        pdf.setFont(font, size - 1)
        pdf.drawString(tx, y, _fit(f"批次 Lot {label.lot}", font, size - 1, text_w))
        y -= size * 1.3
        pdf.drawString(tx, y, _fit(label.producer, font, size - 1, text_w))
        pdf.setFont("Courier-Bold", size - 1)
        groups = signing.display(label.code).split(" ")
        lines = [" ".join(groups[:2]), " ".join(groups[2:])]
        y = y_top - (spec.height - pad) * MM + (size - 1) * 1.2
        for line in lines:
            pdf.drawString(tx, y, line)
            y -= (size - 1) * 1.2
        done += 1
        if progress and done % 500 == 0:
            progress(done)
    if done == 0:
        pdf.drawString(72, 760, "no codes")
    pdf.showPage()
    pdf.save()
    if progress:
        progress(done)
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
