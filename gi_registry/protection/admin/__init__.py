"""Protection in the Wagtail admin: the case queue (``cases``) and suspected copies with the
protection dashboard (``copies``); the menu that holds both is in ``wagtail_hooks``."""
