"""The admin wears the registry's name, mark and colours (Wagtail's documented branding: the
``branding_*`` template blocks in ``templates/wagtailadmin/`` and the custom colour properties)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def registry_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin-brand.css"))


@hooks.register("construct_help_menu")
def registry_help_menu(request, menu_items):
    """The help menu keeps the keyboard shortcuts and drops Wagtail's own "What's new in Wagtail"
    and "Editor Guide" links: English pages about the CMS, not the registry's manual."""
    menu_items[:] = [
        item for item in menu_items if item.name != "editor-guide" and not item.name.startswith("whats-new")
    ]
