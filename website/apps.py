from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "website"

    def ready(self) -> None:
        # Imported once the app registry is ready: both reach models (wagtail's, the site settings).
        from core.admin_display import localise_wagtail_admin
        from core.spreadsheets import guard_wagtail_exports

        from . import checks  # registers the deployment checks (check --deploy)

        localise_wagtail_admin()  # labels not codes, 是/否, local times, "6" not "6.000": listings, inspect, exports
        guard_wagtail_exports()  # every admin CSV/XLSX export: no cell a spreadsheet runs as a formula
        checks.warn_at_start_up()  # production with a per-process cache: say so (gunicorn runs no checks)
