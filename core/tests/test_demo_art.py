"""The drawn demo pictures: every motif, logo and mark draws at its size, with or without a CJK
font on the machine, and the same call draws the same picture (the loader's idempotence relies on
titles, but a redrawn file should not differ for no reason)."""

import io

import pytest
from PIL import Image

from core import demo_art
from core.fonts import packaged_cjk_font


def colours(image: Image.Image) -> int:
    return len(image.convert("RGB").getcolors(maxcolors=1 << 20) or [])


@pytest.mark.parametrize("motif", demo_art.MOTIFS)
def test_each_product_illustration_is_a_full_picture(motif):
    image = demo_art.product_illustration(motif)
    assert image.size == demo_art.PHOTO_SIZE
    assert colours(image) > 50  # shapes and anti-aliased edges, not a flat fill
    assert demo_art.png(image) == demo_art.png(demo_art.product_illustration(motif))


def test_logo_and_mark_are_round_on_a_transparent_ground():
    logo = demo_art.brand_logo("三峡晒秋", "Sanxia Shaiqiu", "#c0392b", "#ffd27a", "sun")
    mark = demo_art.gi_mark("梁平柚", "Liangping pomelo", "农产品地理标志", "Agricultural GI", "pomelo", "#2f6d8c")
    for image, size in ((logo, demo_art.LOGO_SIZE), (mark, demo_art.MARK_SIZE)):
        assert image.size == size
        assert image.getpixel((2, 2))[3] == 0  # the corner is transparent
        assert image.getpixel((size[0] // 2, size[1] // 2))[3] == 255


def test_without_a_system_cjk_font_the_packaged_one_sets_the_chinese(monkeypatch):
    """A fresh machine without Debian's CJK fonts still gets Chinese pictures (core.fonts)."""
    monkeypatch.setattr(demo_art, "CJK_FONT_CANDIDATES", [])
    demo_art.cjk_font_path.cache_clear()
    try:
        assert demo_art.cjk_font_path() == packaged_cjk_font()
        assert demo_art.text("梁平柚", "Liangping pomelo") == "梁平柚"
    finally:
        demo_art.cjk_font_path.cache_clear()


def test_without_any_cjk_font_the_latin_text_is_used(monkeypatch):
    monkeypatch.setattr(demo_art, "CJK_FONT_CANDIDATES", [])
    monkeypatch.setattr(demo_art, "packaged_cjk_font", lambda: "/nonexistent/font.ttc")
    demo_art.cjk_font_path.cache_clear()
    try:
        assert demo_art.text("梁平柚", "Liangping pomelo") == "Liangping pomelo"
        image = demo_art.gi_mark("梁平柚", "Liangping pomelo", "农产品地理标志", "Agricultural GI", "pomelo", "#2f6d8c")
        assert Image.open(io.BytesIO(demo_art.png(image))).size == demo_art.MARK_SIZE
    finally:
        demo_art.cjk_font_path.cache_clear()
