"""Suspected copies of genuine codes, copy thresholds and the protection dashboard."""

# viewsets shown in the protection menu (wagtail_hooks.ProtectionViewSetGroup)
MENU_ITEMS: tuple = ()
