from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

    def ready(self) -> None:
        from .cache import connect_signals  # imports core.models: only once the app registry is ready

        connect_signals()  # what PAGE_CACHE_MODELS lists makes the cached public pages stale
