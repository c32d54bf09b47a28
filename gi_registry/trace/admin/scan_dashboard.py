"""The scan dashboard: counted scans in a date range (last 30 days unless chosen), per day on a
dated chart, broken down by GI, producer, batch and client, the codes that look copied, and the
same figures as CSV.

Officers see every scan; a producer account only those of its own producers' codes (another
producer's GI, producer or batch id in the address is refused and shows nothing of it); brand
editors do not reach it. The figures are aggregated in the database (``scan_figures``).
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.spreadsheets import csv_lines
from gi_registry.models import GeographicalIndication, Producer
from gi_registry.permissions import is_officer

from .. import scans
from ..permissions import batches_for
from .scan_figures import NARROW, WIDE, Filters, day_chart, scan_figures, suspicious_codes

DEFAULT_DAYS = 30
MAX_DAYS = 366
VIEW_PERMISSION = "trace.view_scan"


def default_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=DEFAULT_DAYS - 1), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d", attrs={"style": "max-width:100%"})


class ScanRangeForm(forms.Form):
    """The dashboard's date range (both days included, local time) and optional narrowing to one
    GI, producer or batch; the ids are checked against what the user may see."""

    start = forms.DateField(label=pgettext_lazy("scan dashboard", "From"), required=False, widget=DateInput())
    end = forms.DateField(label=pgettext_lazy("scan dashboard", "To"), required=False, widget=DateInput())
    gi = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    producer = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    batch = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.narrowed_to: list[tuple[str, str, str]] = []  # (field, what, name) for the page
        start, end = default_range()
        self.fields["start"].initial, self.fields["end"].initial = start, end
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = _("Enter a date as YYYY-MM-DD, e.g. 2025-10-01.")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        default_start, default_end = default_range()
        start, end = data.get("start"), data.get("end")
        if start is None and end is None:
            start, end = default_start, default_end
        elif start is None:
            start = end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        elif end is None:
            end = min(start + datetime.timedelta(days=DEFAULT_DAYS - 1), default_end)
        if start > end:
            raise forms.ValidationError(_("The start date is after the end date. Choose a start on or before the end."))
        if end > default_end:
            self.add_error("end", _("The end date is in the future: scans can only be counted up to today."))
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(
                _("Choose at most %(days)d days (the range has %(asked)d).")
                % {"days": MAX_DAYS, "asked": (end - start).days + 1}
            )
        data["start"], data["end"] = start, end
        self._check_scope(data)
        return data

    def _check_scope(self, data) -> None:
        """Each id must be one the user may see; another producer's gets an error and no figures."""
        officer = is_officer(self.user)
        checks = [
            ("gi", pgettext("scan dashboard", "GI"), GeographicalIndication.objects.all()),
            (
                "producer",
                _("Producer"),
                Producer.objects.all() if officer else Producer.objects.filter(accounts=self.user),
            ),
            ("batch", _("Batch"), batches_for(self.user)),
        ]
        for name, what, queryset in checks:
            pk = data.get(name)
            if not pk:
                continue
            record = queryset.filter(pk=pk).first()
            if record is None:
                self.add_error(
                    None,
                    _("There is no %(what)s with the number %(pk)d among the records you can see.")
                    % {"what": what, "pk": pk},
                )
                continue
            label = getattr(record, "lot_number", None) or getattr(record, "name", str(record))
            self.narrowed_to.append((name, str(what), label))

    def filters(self) -> Filters:
        return Filters(
            gi=self.cleaned_data.get("gi"),
            producer=self.cleaned_data.get("producer"),
            batch=self.cleaned_data.get("batch"),
        )


class ScanDashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "gi_registry/trace/admin/scan_dashboard.html"
    page_title = gettext_lazy("Scan dashboard")
    header_icon = "view"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        if not data.get("start") and not data.get("end"):  # shown in the form: the last 30 days
            start, end = default_range()
            data["start"], data["end"] = start.isoformat(), end.isoformat()
        form = ScanRangeForm(data, user=request.user)
        valid = form.is_valid()
        if request.GET.get("format") == "csv":
            if not valid:
                errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
                return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
            return self.csv_response(form)
        context = self.get_context_data(form=form, **kwargs)
        return self.render_to_response(context, status=200 if valid else 400)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=form,
            threshold_scans=scans.suspicious_scans(),
            threshold_origins=scans.suspicious_origins(),
            officer=is_officer(self.request.user),
        )
        if form.is_valid():
            figures = scan_figures(
                self.request.user, form.cleaned_data["start"], form.cleaned_data["end"], form.filters()
            )
            query = self.request.GET.copy()
            query.pop("format", None)
            for field in ("start", "end"):
                query[field] = form.cleaned_data[field].isoformat()
            context.update(
                figures=figures,
                charts=[("wide", day_chart(figures.days, WIDE)), ("narrow", day_chart(figures.days, NARROW))],
                suspicious=suspicious_codes(self.request.user, form.filters()),
                narrowed_to=[(name, what, label, self.without(query, name)) for name, what, label in form.narrowed_to],
                csv_query=f"{query.urlencode()}&format=csv",
                range_query=self.without(query, "gi", "producer", "batch"),
            )
        return context

    @staticmethod
    def without(query, *names) -> str:
        query = query.copy()
        for name in names:
            query.pop(name, None)
        return query.urlencode()

    def csv_response(self, form) -> HttpResponse:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        figures = scan_figures(self.request.user, start, end, form.filters())
        header = [
            pgettext("scan dashboard", "Breakdown"),
            pgettext("scan dashboard", "Date or number"),
            _("Name"),
            _("Scans"),
            pgettext("scan dashboard", "Codes scanned"),
            pgettext("scan dashboard", "Share (%)"),
        ]
        rows = [header]
        day = pgettext("scan dashboard", "Day")
        rows += [[day, d.isoformat(), "", n, "", ""] for d, n in figures.days]
        rows += [
            [pgettext("scan dashboard", "GI"), r["gi_id"], r["name"], r["scans"], r["codes"], r["percent"]]
            for r in figures.by_gi
        ]
        rows += [
            [_("Producer"), r["producer_id"], r["name"], r["scans"], r["codes"], r["percent"]]
            for r in figures.by_producer
        ]
        rows += [
            [_("Batch"), r["lot"], f"{r['product'] or r['gi']} · {r['producer']}", r["scans"], r["codes"], r["percent"]]
            for r in figures.by_batch
        ]
        rows += [[_("Client"), r["client"], r["name"], r["scans"], "", r["percent"]] for r in figures.by_client]
        rows.append(
            [
                pgettext("scan dashboard", "Total"),
                f"{start.isoformat()} – {end.isoformat()}",
                "",
                figures.total,
                figures.codes_scanned,
                100 if figures.total else 0,
            ]
        )
        response = HttpResponse("".join(csv_lines(rows)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="scans-{start.isoformat()}-{end.isoformat()}.csv"'
        return response


class ScanDashboardMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm(VIEW_PERMISSION)
