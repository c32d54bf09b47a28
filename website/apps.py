from django.apps import AppConfig, apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save


class WebsiteConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "website"

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished, published, unpublished

        from core.spreadsheets import guard_wagtail_exports

        from . import checks  # registers the deployment checks (check --deploy)
        from .cache import bump_version

        guard_wagtail_exports()  # every admin CSV/XLSX export: no cell a spreadsheet runs as a formula

        # Anything a public page shows: saving it makes every cached page stale.
        for label in settings.PAGE_CACHE_MODELS:
            model = apps.get_model(label)
            post_save.connect(bump_version, sender=model, dispatch_uid=f"page-cache-save-{label}")
            post_delete.connect(bump_version, sender=model, dispatch_uid=f"page-cache-delete-{label}")
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    bump_version, sender=field.remote_field.through, dispatch_uid=f"page-cache-m2m-{label}-{field.name}"
                )
        for signal in (page_published, page_unpublished, published, unpublished):
            signal.connect(bump_version, dispatch_uid=f"page-cache-{id(signal)}")
        checks.warn_at_start_up()  # production with a per-process cache: say so (gunicorn runs no checks)
