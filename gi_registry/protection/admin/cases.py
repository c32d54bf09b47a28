"""The case queue for enforcement staff."""

# viewsets shown in the protection menu (wagtail_hooks.ProtectionViewSetGroup)
MENU_ITEMS: tuple = ()
