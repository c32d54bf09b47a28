"""The admin wears the registry's name, mark and colours (Wagtail's documented branding: the
``branding_*`` template blocks in ``templates/wagtailadmin/`` and the custom colour properties)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def registry_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin-brand.css"))
