"""The blocks a brand story (品牌故事) is written in.

Every image carries alt text the editor must write (WCAG 2.1 AA); nothing here needs
JavaScript on the public page: the video is a link, not an embedded player.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class ImageBlock(blocks.StructBlock):
    """An image with required alt text and an optional caption."""

    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(
        label=_("alt text"), max_length=200, help_text=_("What the image shows, for people who cannot see it.")
    )
    caption = blocks.CharBlock(label=_("caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"


class GalleryBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120, required=False)
    images = blocks.ListBlock(ImageBlock(), label=_("images"), min_num=1)

    class Meta:
        icon = "image"
        label = _("Gallery")
        template = "blocks/gallery_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), max_length=120, required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote_block.html"


class KeyFigureBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("label"), max_length=80)
    value = blocks.CharBlock(label=_("value"), max_length=30)
    unit = blocks.CharBlock(label=_("unit"), max_length=20, required=False)


class KeyFiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120, required=False)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("figures"), min_num=1)

    class Meta:
        icon = "table"
        label = _("Key figures")
        template = "blocks/key_figures_block.html"


class VideoLinkBlock(blocks.StructBlock):
    """A link to a video elsewhere (no third-party player on our pages)."""

    url = blocks.URLBlock(label=_("video URL"))
    title = blocks.CharBlock(label=_("title"), max_length=120)
    duration = blocks.CharBlock(label=_("duration"), max_length=20, required=False, help_text=_("e.g. 3:20"))

    class Meta:
        icon = "media"
        label = _("Video link")
        template = "blocks/video_link_block.html"


class ProductListBlock(blocks.StructBlock):
    """Registered products (GIs) carried under the brand; only public GIs are shown."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120, required=False)
    products = blocks.ListBlock(
        SnippetChooserBlock("gi_registry.GeographicalIndication"), label=_("geographical indications"), min_num=1
    )

    class Meta:
        icon = "list-ul"
        label = _("Product list")
        template = "blocks/product_list_block.html"


class LicensedProducersBlock(blocks.StructBlock):
    """Where the page lists its licensed producers; the list itself is computed, never typed."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120, required=False)

    class Meta:
        icon = "group"
        label = _("Licensed producers (automatic)")
        template = "blocks/licensed_producers_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page = (parent_context or {}).get("page")
        licensed = getattr(page, "licensed_producers", None)
        context["producers"] = list(licensed()) if callable(licensed) else []
        return context


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("title"), max_length=120, required=False, help_text=_("Defaults to the document's title.")
    )


class DownloadsBlock(blocks.StructBlock):
    """Brand guidelines and assets to download (VI manual, logo files, …)."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120, required=False)
    documents = blocks.ListBlock(DownloadBlock(), label=_("documents"), min_num=1)

    class Meta:
        icon = "doc-full"
        label = _("Brand guidelines and assets")
        template = "blocks/downloads_block.html"


class BrandStoryBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link"],
        template="blocks/rich_text_block.html",
    )
    image = ImageBlock()
    gallery = GalleryBlock()
    quote = QuoteBlock()
    key_figures = KeyFiguresBlock()
    video = VideoLinkBlock()
    products = ProductListBlock()
    licensed_producers = LicensedProducersBlock()
    downloads = DownloadsBlock()
