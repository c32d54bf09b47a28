"""Photos sent with a report: checked, then re-encoded as JPEG without EXIF.

* at most ``MAX_PHOTOS`` photos, each at most ``PROTECTION_PHOTO_MAX_BYTES`` bytes;
* an image Pillow recognises (JPEG, PNG, WebP, GIF, and HEIC/HEIF from iPhones through
  ``pillow-heif`` when it is installed); anything else is refused;
* a decompression bomb (a small file that decodes to a huge picture) is refused from its header,
  before decoding: more than ``PROTECTION_PHOTO_MAX_PIXELS`` pixels, or Pillow's own
  ``DecompressionBombError``/``Warning``;
* the stored copy is drawn anew: turned upright by its EXIF orientation, shrunk to a long edge
  of ``PROTECTION_PHOTO_STORED_EDGE`` px, saved as JPEG with no metadata at all (no EXIF, GPS
  included, no XMP, no comments): nothing the phone wrote about where or when survives.

Each refusal is a ``PhotoRefused`` with a message for the sender (zh-hans/English).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # iPhones send HEIC; pillow-heif teaches Pillow to open it (requirements.txt)
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - pillow-heif is a requirement
    HEIC_SUPPORTED = False

MAX_PHOTOS = 3
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO", "HEIF"}
JPEG_QUALITY = 85


class PhotoRefused(ValueError):
    """A photo that cannot be accepted; ``str()`` is the sender's message."""


@dataclass(frozen=True)
class CleanPhoto:
    """A photo ready to store: JPEG bytes without metadata, and its size in pixels."""

    data: bytes
    width: int
    height: int


def clean_photo(upload) -> CleanPhoto:
    """Check ``upload`` (an ``UploadedFile``) and return the JPEG to store, or raise ``PhotoRefused``."""
    name = getattr(upload, "name", "") or ""
    max_bytes = settings.PROTECTION_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise PhotoRefused(
            _("%(name)s is too large (%(size)s); a photo may be at most %(max)s.")
            % {"name": name, "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)}
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoRefused(not_an_image(name))
            width, height = image.size
            if width * height > settings.PROTECTION_PHOTO_MAX_PIXELS or width <= 0 or height <= 0:
                raise PhotoRefused(too_many_pixels(name))
            image.load()
        except PhotoRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoRefused(too_many_pixels(name)) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            if _looks_like_heic(data) and not HEIC_SUPPORTED:  # pragma: no cover
                raise PhotoRefused(
                    _("%(name)s is an iPhone HEIC photo, which this site cannot read. Please send it as JPEG.")
                    % {"name": name}
                ) from None
            raise PhotoRefused(not_an_image(name)) from None
        image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    edge = settings.PROTECTION_PHOTO_STORED_EDGE
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A new image's info is empty, and no exif=, icc_profile= or comment= is passed: nothing the
    # camera wrote is kept.
    Image.frombytes("RGB", image.size, image.tobytes()).save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanPhoto(out.getvalue(), image.width, image.height)


def not_an_image(name: str) -> str:
    return _("%(name)s is not a photo we can read. Please send a JPEG, PNG, WebP or HEIC picture.") % {"name": name}


def too_many_pixels(name: str) -> str:
    return _("%(name)s has too many pixels to be a phone photo. Please send a smaller picture.") % {"name": name}


def _looks_like_heic(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc")
