"""Demo artwork drawn with Pillow: product illustrations, brand logos and GI marks (no download).

Every picture is an obvious illustration, never a photograph or an official-looking emblem: flat
shapes and a small "示例 DEMO" tag in a corner, so no visitor takes a demo logo or mark for the
real one. Text is set in a CJK font found on the machine (Noto/Source Han/WenQuanYi, as Debian's
``fonts-noto-cjk`` installs), else the CJK font the requirements install (``core.fonts``); only where
neither is there do the pictures carry their Latin text alone.
Drawing is deterministic (no randomness), at twice the size and scaled down for smooth edges.
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from core.fonts import packaged_cjk_font

SCALE = 2  # drawn at twice the size, then reduced (anti-aliasing)

#: where CJK fonts live on Debian, Ubuntu, Fedora, macOS (first found wins)
CJK_FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSans-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
]
SC_INDEX = 2  # in the Noto CJK collections, face 2 is Simplified Chinese


@cache
def cjk_font_path() -> str | None:
    for candidate in CJK_FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    packaged = packaged_cjk_font()  # a machine without CJK fonts: the one the requirements install
    return packaged if Path(packaged).is_file() else None


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font_path()
    if path is None:
        return ImageFont.load_default(size=size)
    index = SC_INDEX if "NotoSansCJK" in path else 0
    try:
        return ImageFont.truetype(path, size=size, index=index)
    except OSError:
        return ImageFont.truetype(path, size=size)


def text(zh: str, en: str) -> str:
    """The Chinese text where a CJK font is installed, else the Latin one."""
    return zh if cjk_font_path() else en


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- helpers ---------------------------------------------------------------------------------


def _canvas(width: int, height: int, top: str, bottom: str) -> Image.Image:
    """A vertical gradient from ``top`` to ``bottom``."""
    w, h = width * SCALE, height * SCALE
    a, b = _rgb(top), _rgb(bottom)
    gradient = Image.new("RGB", (1, h))
    for y in range(h):
        t = y / max(h - 1, 1)
        gradient.putpixel((0, y), tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3)))
    return gradient.resize((w, h))


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _finish(image: Image.Image) -> Image.Image:
    return image.resize((image.width // SCALE, image.height // SCALE), Image.Resampling.LANCZOS)


def _demo_tag(draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
    """A small "示例 DEMO" tag in the bottom-right corner."""
    s = SCALE
    label = text("示例 DEMO", "DEMO")
    f = font(22 * s)
    tw = draw.textlength(label, font=f)
    pad = 12 * s
    x1, y1 = width * s - 20 * s, height * s - 20 * s
    x0, y0 = x1 - tw - 2 * pad, y1 - 44 * s
    draw.rounded_rectangle((x0, y0, x1, y1), radius=10 * s, fill=(255, 255, 255, 230), outline="#7a5c2e", width=2 * s)
    draw.text(((x0 + x1) / 2, (y0 + y1) / 2), label, font=f, fill="#7a5c2e", anchor="mm")


def _centered(draw, xy, label: str, size: int, fill: str) -> None:
    draw.text(xy, label, font=font(size * SCALE), fill=fill, anchor="mm")


def _fit_size(draw, label: str, size: int, max_width: float) -> int:
    while size > 12 and draw.textlength(label, font=font(size * SCALE)) > max_width * SCALE:
        size -= 2
    return size


# --- product illustrations (1200 × 800) ----------------------------------------------------------

PHOTO_SIZE = (1200, 800)


MOTIFS = ("pomelo", "rice", "duck", "beans", "bamboo", "hills")


def product_illustration(motif: str, tag: bool = True) -> Image.Image:
    """A flat illustration of a product family (one of ``MOTIFS``), with the demo tag."""
    painters = {"pomelo": _pomelo, "rice": _rice, "duck": _duck, "beans": _beans, "bamboo": _bamboo, "hills": _hillside}
    width, height = PHOTO_SIZE
    image = painters[motif](width, height)
    if tag:
        _demo_tag(ImageDraw.Draw(image, "RGBA"), width, height)
    return _finish(image)


def _hills(draw, w: int, h: int, colours: list[str], base: float) -> None:
    """Rolling hills, back to front."""
    for i, colour in enumerate(colours):
        y0 = h * (base + 0.08 * i)
        points = [(0, h)]
        for x in range(0, w + 1, w // 24):
            points.append((x, y0 - math.sin(x / w * math.pi * (2 + i) + i) * h * 0.05))
        points.append((w, h))
        draw.polygon(points, fill=colour)


def _hillside(width: int, height: int) -> Image.Image:
    """Green hills under a morning sky: for products of no family of their own."""
    s = SCALE
    w, h = width * s, height * s
    image = _canvas(width, height, "#dcecf7", "#f5ecd6")
    draw = ImageDraw.Draw(image, "RGBA")
    draw.ellipse((w * 0.14, h * 0.12, w * 0.24, h * 0.12 + w * 0.1), fill="#f7d56b")
    _hills(draw, w, h, ["#b7d39a", "#93bd74", "#6f9f55"], 0.42)
    return image


def _pomelo(width: int, height: int) -> Image.Image:
    s = SCALE
    w, h = width * s, height * s
    image = _canvas(width, height, "#fdf3d8", "#f6dca0")
    draw = ImageDraw.Draw(image, "RGBA")
    _hills(draw, w, h, ["#c9dca0", "#a9c97f"], 0.62)
    # a basket
    draw.rounded_rectangle((w * 0.18, h * 0.62, w * 0.82, h * 0.9), radius=40 * s, fill="#b07a3c")
    for i in range(1, 8):
        x = w * 0.18 + i * w * 0.64 / 8
        draw.line((x, h * 0.63, x, h * 0.89), fill="#8f5f2b", width=6 * s)
    # three pomelos
    for cx, cy, r in ((0.36, 0.55, 0.17), (0.63, 0.53, 0.19), (0.5, 0.42, 0.16)):
        x, y, rr = w * cx, h * cy, h * r
        draw.ellipse((x - rr, y - rr * 0.95, x + rr, y + rr), fill="#e8d04a")
        draw.ellipse((x - rr * 0.55, y - rr * 0.7, x - rr * 0.05, y - rr * 0.25), fill=(255, 255, 255, 70))
        draw.line((x, y - rr * 0.95, x + rr * 0.1, y - rr * 1.15), fill="#6b4a1f", width=7 * s)
        leaf = [(x + rr * 0.1, y - rr * 1.1), (x + rr * 0.6, y - rr * 1.35), (x + rr * 0.75, y - rr * 1.05)]
        draw.polygon(leaf, fill="#4f8a3a")
    # a cut half
    x, y, rr = w * 0.78, h * 0.74, h * 0.11
    draw.ellipse((x - rr, y - rr, x + rr, y + rr), fill="#f3e7a0", outline="#e8d04a", width=12 * s)
    for k in range(10):
        a = k * math.pi / 5
        draw.line((x, y, x + math.cos(a) * rr * 0.85, y + math.sin(a) * rr * 0.85), fill="#f0b7a0", width=5 * s)
    return image


def _rice(width: int, height: int) -> Image.Image:
    s = SCALE
    w, h = width * s, height * s
    image = _canvas(width, height, "#cfe8f5", "#f3ecd0")
    draw = ImageDraw.Draw(image, "RGBA")
    draw.ellipse((w * 0.74, h * 0.08, w * 0.86, h * 0.08 + w * 0.12), fill="#f7d56b")
    _hills(draw, w, h, ["#9dbf8a"], 0.45)
    # terraced paddies
    for i, colour in enumerate(["#e2c45a", "#d9b84c", "#cfa93f", "#c49c36"]):
        y = h * (0.55 + i * 0.11)
        draw.rectangle((0, y, w, y + h * 0.11), fill=colour)
        draw.line((0, y, w, y), fill="#a9862c", width=4 * s)
    # stalks of rice in the front, their ears bowing under the grain
    for k in range(8):
        x0, top = w * (0.08 + k * 0.12), h * (0.5 + (k % 3) * 0.04)
        lean = w * 0.05
        draw.line(
            [(x0, h), (x0 + lean * 0.4, (h + top) / 2), (x0 + lean, top)], fill="#6f8f34", width=8 * s, joint="curve"
        )
        for j in range(14):  # the ear: a plump arc bowing over, grains on both sides
            t = j / 13
            gx = x0 + lean + math.sin(t * math.pi * 0.75) * w * 0.045
            gy = top - math.sin(t * math.pi * 0.9) * h * 0.035 + t * h * 0.13
            for side in (-1, 1):
                ox = side * 9 * s * math.cos(t * math.pi * 0.75)
                draw.ellipse(
                    (gx + ox - 10 * s, gy - 14 * s, gx + ox + 10 * s, gy + 14 * s),
                    fill="#f2cf58",
                    outline="#b8902a",
                    width=2 * s,
                )
        base = h * 0.9
        for side in (-1, 1):  # two leaves from the foot of the stalk
            draw.polygon(
                [(x0 + lean * 0.1, base), (x0 + side * w * 0.05, base - h * 0.22), (x0 + lean * 0.15, base - h * 0.04)],
                fill="#7f9a3a",
            )
    return image


def _duck(width: int, height: int) -> Image.Image:
    s = SCALE
    w, h = width * s, height * s
    image = _canvas(width, height, "#fbe9d6", "#f1cfa8")
    draw = ImageDraw.Draw(image, "RGBA")
    # a plate on a table
    draw.rectangle((0, h * 0.7, w, h), fill="#a8643a")
    draw.ellipse((w * 0.16, h * 0.52, w * 0.84, h * 0.92), fill="#f7f3ea", outline="#d8cbb4", width=8 * s)
    draw.ellipse((w * 0.22, h * 0.57, w * 0.78, h * 0.87), outline="#3d7ea6", width=6 * s)
    # a lacquered roast duck (张鸭子 is smoked and roasted)
    draw.ellipse((w * 0.27, h * 0.36, w * 0.71, h * 0.78), fill="#a0482a")
    draw.ellipse((w * 0.33, h * 0.41, w * 0.55, h * 0.55), fill=(255, 210, 160, 90))
    draw.line((w * 0.68, h * 0.5, w * 0.78, h * 0.34), fill="#8a3a22", width=34 * s)
    draw.ellipse((w * 0.74, h * 0.26, w * 0.84, h * 0.38), fill="#8a3a22")
    # garnish
    for k in range(6):
        x = w * (0.24 + k * 0.1)
        draw.ellipse((x, h * 0.8, x + 40 * s, h * 0.8 + 24 * s), fill="#5f9e3e")
    # steam
    for k in range(3):
        x = w * (0.4 + k * 0.08)
        points = [(x + math.sin(t / 3) * 14 * s, h * 0.3 - t * 10 * s) for t in range(12)]
        draw.line(points, fill=(255, 255, 255, 200), width=7 * s, joint="curve")
    return image


def _beans(width: int, height: int) -> Image.Image:
    s = SCALE
    w, h = width * s, height * s
    image = _canvas(width, height, "#f4efe2", "#e6dcc2")
    draw = ImageDraw.Draw(image, "RGBA")
    # a bamboo drying rack of bean-curd sticks (豆筋)
    draw.rectangle((0, h * 0.74, w, h), fill="#8c6b45")
    draw.line((w * 0.08, h * 0.18, w * 0.92, h * 0.18), fill="#7d9a4e", width=22 * s)
    for k in range(11):
        x = w * (0.12 + k * 0.075)
        draw.rounded_rectangle((x, h * 0.19, x + 36 * s, h * 0.66), radius=16 * s, fill="#ecd08a", outline="#c9a557")
        draw.line((x + 10 * s, h * 0.22, x + 10 * s, h * 0.63), fill=(255, 255, 255, 90), width=5 * s)
    # a bowl of soybeans
    draw.chord((w * 0.3, h * 0.55, w * 0.7, h * 0.98), 0, 180, fill="#5b7fa6")
    for row in range(3):
        for k in range(9 - row * 2):
            x = w * (0.34 + row * 0.035 + k * 0.036)
            y = h * (0.74 - row * 0.035)
            draw.ellipse((x, y, x + 40 * s, y + 32 * s), fill="#e9c66a", outline="#b8923a", width=2 * s)
    return image


def _bamboo(width: int, height: int) -> Image.Image:
    s = SCALE
    w, h = width * s, height * s
    image = _canvas(width, height, "#e3f1dc", "#c9e0b8")
    draw = ImageDraw.Draw(image, "RGBA")
    # bamboo stems behind
    for k, x in enumerate((0.08, 0.2, 0.86, 0.94)):
        draw.rectangle((w * x, 0, w * x + 34 * s, h), fill="#6fa35a" if k % 2 else "#5c8f49")
        for y in range(1, 6):
            draw.line((w * x, h * y / 6, w * x + 34 * s, h * y / 6), fill="#3f6b33", width=6 * s)
        draw.polygon(
            [(w * x + 34 * s, h * 0.3), (w * x + 150 * s, h * 0.24), (w * x + 40 * s, h * 0.34)], fill="#7cb862"
        )
    draw.rectangle((0, h * 0.8, w, h), fill="#7a5a3a")
    # shoots coming up through the soil
    for cx, height_k, width_k in ((0.36, 0.5, 0.11), (0.55, 0.62, 0.13), (0.72, 0.44, 0.1)):
        x, base = w * cx, h * 0.84
        top = base - h * height_k
        half = w * width_k / 2
        for layer in range(5):
            y0 = top + (base - top) * layer / 5
            spread = half * (0.35 + 0.65 * (layer + 1) / 5)
            colour = ("#c9a25a", "#b88d47", "#a67a3b", "#946a32", "#835c2b")[layer]
            draw.polygon([(x, y0 - 20 * s), (x - spread, base), (x + spread, base)], fill=colour)
        draw.polygon(
            [(x, top - 30 * s), (x - half * 0.3, top + 60 * s), (x + half * 0.3, top + 60 * s)], fill="#d9c27a"
        )
    return image


# --- brand logos (800 × 800) ------------------------------------------------------------------

LOGO_SIZE = (800, 800)


def brand_logo(name: str, latin: str, primary: str, accent: str, motif: str) -> Image.Image:
    """A round badge: the brand's name across a ring, a motif inside, on a transparent ground."""
    s = SCALE
    width, height = LOGO_SIZE
    w, h = width * s, height * s
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image, "RGBA")
    m = 24 * s
    draw.ellipse((m, m, w - m, h - m), fill=primary)
    draw.ellipse((m + 28 * s, m + 28 * s, w - m - 28 * s, h - m - 28 * s), outline=accent, width=10 * s)
    _motif(draw, motif, w / 2, h * 0.4, h * 0.2, accent)
    label = text(name, latin)
    size = _fit_size(draw, label, 72, width * 0.7)
    _centered(draw, (w / 2, h * 0.66), label, size, "#ffffff")
    small = text("示例品牌标志", "Demo brand logo")
    _centered(draw, (w / 2, h * 0.77), small, 30, accent)
    return _finish(image)


def _motif(draw, motif: str, x: float, y: float, r: float, colour: str) -> None:
    s = SCALE
    if motif == "five":  # five circles: the five zi
        for k in range(5):
            a = -math.pi / 2 + k * 2 * math.pi / 5
            cx, cy = x + math.cos(a) * r * 0.6, y + math.sin(a) * r * 0.6
            draw.ellipse((cx - r * 0.3, cy - r * 0.3, cx + r * 0.3, cy + r * 0.3), fill=colour)
    elif motif == "rice":  # an ear of rice
        draw.line((x, y + r, x, y - r), fill=colour, width=10 * s)
        for j in range(6):
            gy = y - r + j * r * 0.3
            for side in (-1, 1):
                gx = x + side * r * 0.22
                draw.ellipse((gx - r * 0.12, gy - r * 0.18, gx + r * 0.12, gy + r * 0.18), fill=colour)
    else:  # sun over the drying floor (晒秋)
        draw.ellipse((x - r * 0.5, y - r * 0.9, x + r * 0.5, y + r * 0.1), fill=colour)
        for k in range(3):
            yy = y + r * (0.35 + k * 0.28)
            draw.rounded_rectangle(
                (x - r * (1 - k * 0.15), yy, x + r * (1 - k * 0.15), yy + r * 0.16), radius=8 * s, fill=colour
            )


# --- GI marks (800 × 800) ---------------------------------------------------------------------

MARK_SIZE = (800, 800)


def gi_mark(name: str, latin: str, kind_zh: str, kind_en: str, motif: str, colour: str) -> Image.Image:
    """A round seal naming the GI and its kind, with the family's motif: clearly a demo, not the
    official special mark (which has its own prescribed design)."""
    s = SCALE
    width, height = MARK_SIZE
    w, h = width * s, height * s
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image, "RGBA")
    m = 20 * s
    draw.ellipse((m, m, w - m, h - m), fill="#fffaf0", outline=colour, width=18 * s)
    draw.ellipse((m + 60 * s, m + 60 * s, w - m - 60 * s, h - m - 60 * s), outline=colour, width=5 * s)
    # the kind around the top of the ring, letter by letter
    ring = text(kind_zh, kind_en.upper())
    f = font((34 if cjk_font_path() else 26) * s)
    radius = (w - 2 * m) / 2 - 40 * s
    step = min(0.22 if cjk_font_path() else 0.09, 2.4 / max(len(ring), 1))
    start = -math.pi / 2 - step * (len(ring) - 1) / 2
    for i, char in enumerate(ring):
        a = start + i * step
        glyph = Image.new("RGBA", (80 * s, 80 * s), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((40 * s, 40 * s), char, font=f, fill=colour, anchor="mm")
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.Resampling.BICUBIC)
        gx, gy = w / 2 + math.cos(a) * radius, h / 2 + math.sin(a) * radius
        image.alpha_composite(glyph, (int(gx - 40 * s), int(gy - 40 * s)))
    # the product's motif in the middle
    small = product_illustration(motif, tag=False).resize((int(w * 0.42), int(w * 0.28)), Image.Resampling.LANCZOS)
    mask = Image.new("L", small.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, *small.size), radius=24 * s, fill=255)
    image.paste(small, (int(w * 0.29), int(h * 0.3)), mask)
    label = text(name, latin)
    size = _fit_size(draw, label, 64, width * 0.6)
    _centered(draw, (w / 2, h * 0.7), label, size, colour)
    _centered(draw, (w / 2, h * 0.8), text("示例 · DEMO", "DEMO"), 28, "#7a5c2e")
    return _finish(image)


# --- a producer's genuine package (1200 × 800) -----------------------------------------------------


def package_illustration(
    producer: str, product: str, motif: str, colour: str, close_up: bool = False, mark: Image.Image | None = None
) -> Image.Image:
    """A flat drawing of a gift box of ``product`` by ``producer``: the product's illustration on the
    front, a round mark (a placeholder, not the official special mark) and a square standing for the
    printed trace code; ``close_up`` draws only the box's label (mark, code and name) larger.
    ``mark`` (e.g. the GI's demo mark, ``gi_mark``) is printed in the round mark's place.
    Tagged "示例 DEMO" like every demo picture."""
    s = SCALE
    width, height = PHOTO_SIZE
    w, h = width * s, height * s
    image = _canvas(width, height, "#f4efe6", "#e2d6c2")
    draw = ImageDraw.Draw(image, "RGBA")
    if close_up:
        x0, y0, x1, y1 = w * 0.12, h * 0.14, w * 0.88, h * 0.84
    else:
        # the box: front, top and side faces
        x0, y0, x1, y1 = w * 0.18, h * 0.3, w * 0.72, h * 0.86
        depth = w * 0.1
        draw.polygon(
            [(x0, y0), (x0 + depth, y0 - depth * 0.8), (x1 + depth, y0 - depth * 0.8), (x1, y0)], fill="#d9c39c"
        )
        draw.polygon(
            [(x1, y0), (x1 + depth, y0 - depth * 0.8), (x1 + depth, y1 - depth * 0.8), (x1, y1)], fill="#b99a6a"
        )
        draw.rectangle((x0, y0, x1, y1), fill="#efe0c0", outline="#8a6a3a", width=3 * s)
        photo = product_illustration(motif, tag=False).resize((int((x1 - x0) * 0.56), int((x1 - x0) * 0.37)))
        image.paste(photo, (int(x0 + (x1 - x0) * 0.06), int(y0 + (y1 - y0) * 0.1)))
    # the label band: the mark, the code's square and the producer's name
    band_top = y0 + (y1 - y0) * (0.12 if close_up else 0.64)
    draw.rectangle((x0, band_top, x1, y1), fill=(255, 255, 255, 235), outline=colour, width=3 * s)
    if close_up:
        r = (y1 - band_top) * 0.3
        cx, cy = x0 + (x1 - x0) * 0.05 + r, band_top + (y1 - band_top) / 2
    else:
        r = (y1 - band_top) * 0.36
        cx, cy = x0 + (x1 - x0) * 0.8, y0 + (y1 - y0) * 0.3
    if mark is None:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill="#fffaf0", outline=colour, width=8 * s)
        _centered(draw, (cx, cy), text("标志", "MARK"), 28 if close_up else 20, colour)
    else:
        printed = mark.convert("RGBA").resize((int(2 * r), int(2 * r)), Image.Resampling.LANCZOS)
        image.paste(printed, (int(cx - r), int(cy - r)), printed)
    # the printed code: a fixed pattern of squares (not a readable code)
    q = (y1 - band_top) * (0.46 if close_up else 0.7)
    qx = x1 - q - (x1 - x0) * 0.05
    qy = band_top + ((y1 - band_top) - q) / 2
    draw.rectangle((qx, qy, qx + q, qy + q), fill="#ffffff", outline="#222222", width=2 * s)
    n = 13
    cell = (q - 4 * s) / n
    ox, oy = qx + 2 * s, qy + 2 * s
    finders = [(0, 0), (n - 4, 0), (0, n - 4)]

    def in_finder(i: int, j: int) -> bool:
        return any(fx <= i < fx + 4 and fy <= j < fy + 4 for fx, fy in finders)

    for i in range(n):
        for j in range(n):
            if not in_finder(i, j) and (i * 7 + j * 5 + i * j) % 3 == 0:
                draw.rectangle((ox + i * cell, oy + j * cell, ox + (i + 1) * cell, oy + (j + 1) * cell), fill="#222222")
    for fx, fy in finders:  # rings with a dot, like a QR symbol's finder patterns
        fx0, fy0 = ox + fx * cell, oy + fy * cell
        draw.rectangle((fx0, fy0, fx0 + 4 * cell, fy0 + 4 * cell), outline="#222222", width=max(int(cell * 0.8), 1))
        draw.rectangle((fx0 + 1.4 * cell, fy0 + 1.4 * cell, fx0 + 2.6 * cell, fy0 + 2.6 * cell), fill="#222222")
    name_x = cx + r + (x1 - x0) * 0.05 if close_up else x0 + (x1 - x0) * 0.05
    label = text(product, "Product")
    size = _fit_size(draw, label, 48 if close_up else 40, (qx - name_x) / s - 20)
    draw.text((name_x, band_top + (y1 - band_top) * 0.22), label, font=font(size * s), fill=colour)
    small = text(producer, "Producer")
    size = _fit_size(draw, small, 30 if close_up else 22, (qx - name_x) / s - 20)
    draw.text((name_x, band_top + (y1 - band_top) * 0.58), small, font=font(size * s), fill="#333333")
    _demo_tag(draw, width, height)
    return _finish(image)
