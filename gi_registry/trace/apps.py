from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    """Traceability: an app of its own (label ``trace``) that builds on the registry below it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "gi_registry.trace"
    label = "trace"
    verbose_name = _("Traceability")
