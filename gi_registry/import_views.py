"""Spreadsheet import in the Wagtail admin: upload → preview → confirm.

Upload parses the file and runs the import without writing (``commit=False``); the preview lists
every row's outcome. Only a clean preview offers "Confirm import", which runs the same import
again, for real, on the same bytes — staged on disk under a random token that only the uploader
may use, deleted once confirmed. Only users who may both add and change a record type may import
it; the menu item is hidden from everyone else.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import secrets
import tempfile
import time
from pathlib import Path, PurePath

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from core.spreadsheets import Sheet, csv_lines, xlsx_bytes

from .services.importer import (
    KINDS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    ImportKind,
    ImportReport,
    column_guides,
    guide_rows,
    read_table,
    run_import,
    template_rows,
)

ALLOWED_EXTENSIONS = (".csv", ".xlsx")
#: The preview table shows at most this many rows; every row with an error is listed regardless.
PREVIEW_ROW_LIMIT = 2000
#: Staged uploads older than this are deleted the next time anyone uploads.
STAGING_MAX_AGE_SECONDS = 24 * 3600
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def importable_kinds(user) -> list[ImportKind]:
    """The record types ``user`` may import: those they may both add and change."""
    if not user.is_active:
        return []
    return [
        kind for kind in KINDS.values() if user.has_perm(kind.add_permission) and user.has_perm(kind.change_permission)
    ]


# -- staging the upload between preview and confirm ----------------------------------------------


def staging_dir() -> Path:
    """Outside MEDIA_ROOT (never served); ``REGISTRY_IMPORT_STAGING_DIR`` if set, for several servers."""
    configured = getattr(settings, "REGISTRY_IMPORT_STAGING_DIR", "")
    directory = Path(configured) if configured else Path(tempfile.gettempdir()) / "gi-registry-import"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _write_private(file: Path, data: bytes) -> None:
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def stage_upload(data: bytes, *, user, kind: str, filename: str) -> str:
    """Keep the uploaded bytes until the user confirms; returns the token that names them."""
    directory = staging_dir()
    _sweep(directory)
    token = secrets.token_urlsafe(24)
    _write_private(directory / f"{token}.data", data)
    meta = {"user": user.pk, "kind": kind, "filename": filename, "staged_at": time.time()}
    _write_private(directory / f"{token}.json", json.dumps(meta).encode())
    return token


def load_staged(token: str, user) -> tuple[dict, bytes] | None:
    """The staged upload named ``token`` if it exists and ``user`` uploaded it, else None."""
    if not _TOKEN_RE.match(token or ""):
        return None
    directory = staging_dir()
    try:
        meta = json.loads((directory / f"{token}.json").read_text())
        data = (directory / f"{token}.data").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user") != user.pk or meta.get("kind") not in KINDS:
        return None
    return meta, data


def discard_staged(token: str) -> None:
    if _TOKEN_RE.match(token or ""):
        for suffix in (".data", ".json"):
            (staging_dir() / f"{token}{suffix}").unlink(missing_ok=True)


def _sweep(directory: Path) -> None:
    cutoff = time.time() - STAGING_MAX_AGE_SECONDS
    for file in directory.glob("*.*"):
        try:
            if file.stat().st_mtime < cutoff:
                file.unlink(missing_ok=True)
        except OSError:
            continue


# -- forms and views -----------------------------------------------------------------------------


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(
            "A .csv (UTF-8 or GB18030) or .xlsx file of at most 5 MB and 20,000 rows; the first row holds the headers."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, kinds: list[ImportKind], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.name, kind.label) for kind in kinds]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB; split it into smaller files.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ImportAccessMixin:
    """Only users who may import at least one record type get in."""

    def dispatch(self, request, *args, **kwargs):
        self.kinds = importable_kinds(request.user)
        if not self.kinds:
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


class ImportTemplateMixin(WagtailAdminTemplateMixin):
    page_title = gettext_lazy("Import")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("registry_import:upload"), "label": _("Import")}]

    def render_preview(self, report: ImportReport, kind: ImportKind, filename: str, token: str = ""):
        self.template_name = "gi_registry/admin/import_preview.html"
        self.page_subtitle = _("Preview")
        shown = report.rows[:PREVIEW_ROW_LIMIT]
        context = self.get_context_data(
            report=report,
            import_kind=kind,
            filename=filename,
            token=token,
            shown_rows=shown,
            hidden_row_count=len(report.rows) - len(shown),
            confirm_url=reverse("registry_import:confirm"),
            upload_url=reverse("registry_import:upload"),
        )
        return self.render_to_response(context)


class UploadView(ImportAccessMixin, ImportTemplateMixin, FormView):
    template_name = "gi_registry/admin/import_upload.html"
    form_class = ImportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kinds": self.kinds}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["import_kinds"] = [
            {
                "kind": kind,
                "template_url": reverse("registry_import:template", args=[kind.name]),
                "columns": column_guides(kind),
            }
            for kind in self.kinds
        ]
        context["max_rows"] = settings.IMPORT_MAX_ROWS
        return context

    def form_valid(self, form):
        kind = KINDS[form.cleaned_data["kind"]]
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            table = read_table(io.BytesIO(data), upload.name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        report = run_import(kind.name, table, user=self.request.user, commit=False)
        if report.file_errors:
            for error in report.file_errors:
                form.add_error("file", error)
            return self.form_invalid(form)
        token = stage_upload(data, user=self.request.user, kind=kind.name, filename=upload.name) if report.ok else ""
        return self.render_preview(report, kind, upload.name, token)


class ConfirmView(ImportAccessMixin, ImportTemplateMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = request.POST.get("token", "")
        staged = load_staged(token, request.user)
        if staged is None:
            messages.error(
                request, _("This upload has already been imported, has expired or is not yours; upload the file again.")
            )
            return redirect("registry_import:upload")
        meta, data = staged
        kind = KINDS[meta["kind"]]
        if kind not in self.kinds:
            return permission_denied(request)
        discard_staged(token)
        try:
            table = read_table(io.BytesIO(data), meta["filename"])
        except ImportFileError as exc:
            messages.error(request, str(exc))
            return redirect("registry_import:upload")
        report = run_import(kind.name, table, user=request.user, commit=True)
        if not report.ok:
            messages.error(request, _("Nothing was imported: the data changed since the preview. See the rows below."))
            return self.render_preview(report, kind, meta["filename"])
        messages.success(
            request,
            _("Imported %(what)s from “%(file)s”: %(summary)s")
            % {"what": kind.label, "file": meta["filename"], "summary": report.summary()},
        )
        model_name = kind.model._meta.model_name
        return redirect(f"wagtailsnippets_{kind.model._meta.app_label}_{model_name}:list")


class TemplateView(ImportAccessMixin, View):
    """The template of one record type: header row and example row, as XLSX (with a second sheet,
    填写说明, describing every column) or as CSV (UTF-8 with a BOM, so that Excel reads the Chinese).
    Both through the shared spreadsheet writer."""

    def get(self, request, kind: str):
        spec = KINDS.get(kind)
        if spec is None:
            raise Http404
        if spec not in self.kinds:
            return permission_denied(request)
        rows = template_rows(spec)
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
            response.write("".join(csv_lines([[_csv_cell(v) for v in row] for row in rows])))
            return response
        guides = column_guides(spec)
        data = Sheet(
            title=str(spec.label),
            rows=rows,
            widths=[max(12, min(40, len(g.header) * 2 + 4)) for g in guides],
            text_columns=frozenset(i for i, g in enumerate(guides) if g.text),
            choices={i: g.choices for i, g in enumerate(guides) if g.choices},
        )
        notes = Sheet(title=_("Instructions"), rows=guide_rows(spec), widths=[18, 34, 8, 60, 30], wrap=True)
        response = HttpResponse(
            xlsx_bytes([data, notes]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
        return response


def _csv_cell(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


class ImportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return bool(importable_kinds(request.user))


class RegistryImportViewSet(ViewSet):
    """Spreadsheet import of producers, authorisations and standards, under the "Registry" menu."""

    name = "registry_import"
    url_prefix = "registry-import"
    icon = "upload"
    menu_label = gettext_lazy("Import")
    menu_item_class = ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", UploadView.as_view(), name="upload"),
            path("confirm/", ConfirmView.as_view(), name="confirm"),
            path("template/<str:kind>/", TemplateView.as_view(), name="template"),
        ]
