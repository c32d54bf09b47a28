"""The CJK font the project ships through its requirements (``paperang-p2-fonts-cjk``: WenQuanYi
Micro Hei, a TrueType collection), so labels, certificates and demo pictures set Chinese on any
machine, with or without the system's fonts. TrueType outlines matter: ReportLab embeds them (a
PDF a print shop opens shows the same glyphs), and it cannot embed CFF fonts such as Noto CJK."""

from importlib.resources import files


def packaged_cjk_font() -> str:
    """The path of the packaged font collection (face 0 proportional, face 1 monospaced)."""
    return str(files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc")
