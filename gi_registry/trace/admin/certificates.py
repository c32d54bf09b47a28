"""A batch's compliance certificate (承诺达标合格证) in the admin: whether the batch needs one and
why, the form that issues it (or a new one that supersedes the current one), the PDFs, and the
history. There is no edit view: a certificate is never changed; deleting it is refused for six
months (``ComplianceCertificate.is_retained``)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View
from wagtail.models import ModelLogEntry

from .. import certificates
from ..models import CertificateRetained, ComplianceCertificate
from .batch_views import BatchSubpageMixin
from .policies import batch_policy


class CertificateForm(forms.ModelForm):
    basis = forms.MultipleChoiceField(
        label=_("Basis of the commitment"),
        choices=ComplianceCertificate.Basis.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one basis for the commitment.")},
    )

    class Meta:
        model = ComplianceCertificate
        fields = [
            "product_name",
            "quantity",
            "unit",
            "producer_name",
            "producer_contact",
            "origin",
            "issue_date",
            "basis",
            "signatory",
        ]
        widgets = {"issue_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class CertificateView(BatchSubpageMixin, TemplateView):
    """GET: the batch's certificates and the form; POST: issue (or supersede the current one)."""

    action = "view"
    template_name = "gi_registry/trace/admin/certificate.html"
    header_icon = "doc-full"

    def get_page_title(self):
        return _("Compliance certificate")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        issued = list(self.batch.certificates.select_related("issued_by", "superseded_by"))
        current = next((c for c in issued if c.is_current), None)
        if kwargs.get("form") is None:
            initial = certificates.prefill(self.batch)
            if current is not None:
                initial.update({f: getattr(current, f) for f in CertificateForm.Meta.fields if f != "issue_date"})
            if initial.get("quantity") is not None:  # 1200, not 1200.00
                initial["quantity"] = format(Decimal(str(initial["quantity"])).normalize(), "f")
            kwargs["form"] = CertificateForm(initial=initial)
        history = (
            ModelLogEntry.objects.filter(
                content_type__app_label="trace",
                content_type__model="compliancecertificate",
                object_id__in=[str(c.pk) for c in issued],
            )
            .select_related("user")
            .order_by("-timestamp")
        )
        context.update(
            batch=self.batch,
            requirement=certificates.certificate_requirement(self.batch),
            certificates=issued,
            current=current,
            form=kwargs["form"],
            can_change=batch_policy.user_has_permission_for_instance(self.request.user, "change", self.batch),
            history=history,
        )
        return context

    def post(self, request, pk):
        if not batch_policy.user_has_permission_for_instance(request.user, "change", self.batch):
            raise PermissionDenied
        form = CertificateForm(request.POST)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in CertificateForm.Meta.fields}
            try:
                cert = certificates.issue_or_supersede(self.batch, request.user, **data)
            except ValidationError as error:
                for field, errors in getattr(error, "message_dict", {"__all__": error.messages}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Compliance certificate issued for lot %(lot)s. Print it below.")
                    % {"lot": self.batch.lot_number},
                )
                return redirect(reverse("trace_admin:certificate", args=[pk]) + f"#certificate-{cert.pk}")
        messages.error(request, _("The certificate was not issued: correct the fields marked below."))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CertificateAccessMixin:
    """The certificate in the URL, if this user may see its batch (else 403; unknown id 404)."""

    action = "view"

    def dispatch(self, request, *args, **kwargs):
        self.certificate = get_object_or_404(
            ComplianceCertificate.objects.select_related("batch__producer"), pk=kwargs["pk"]
        )
        if not batch_policy.user_has_permission_for_instance(request.user, self.action, self.certificate.batch):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CertificatePdfView(CertificateAccessMixin, View):
    def get(self, request, pk, size):
        if size not in certificates.SIZES:
            raise Http404
        pdf = certificates.certificate_pdf(self.certificate, size)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"certificate-{self.certificate.batch.lot_number}-{size}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class CertificateDeleteView(CertificateAccessMixin, View):
    """Refused while the certificate is retained (six months), with the reason, in Chinese."""

    action = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        batch_pk = self.certificate.batch_id
        try:
            self.certificate.delete()
        except CertificateRetained as refusal:
            messages.error(request, refusal.messages[0])
            response = redirect("trace_admin:certificate", pk=batch_pk)
            response.status_code = 302
            return response
        messages.success(request, _("The certificate was deleted."))
        return redirect("trace_admin:certificate", pk=batch_pk)
