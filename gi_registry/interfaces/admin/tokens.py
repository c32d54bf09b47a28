"""API tokens (API 令牌) in the admin: the listing, creating one (its secret shown once), revoking.

Who (``tokens_for``, the one rule every view here uses):

* registry officers (登记管理员) and superusers: every token; they create tokens for an organisation
  or a producer;
* producer accounts (生产主体): the tokens of their own producers only (``Producer.accounts``); they
  create tokens for those producers and revoke them. Another producer's token id answers 404,
  exactly like an id that does not exist;
* brand editors, enforcement staff, anyone else: nothing (403, no menu item).

The secret (``lp_<key>_…``) exists in clear only in the response to the creating POST: it is never
stored (the model keeps its SHA-256), never put in a URL, the session, a message, the audit log or a
later page; that response is ``Cache-Control: no-store``. There are deliberately no Wagtail generic
views for tokens (no edit, no chooser, no bulk action, no export): nothing else can show a token.
Revoking is a POST after a confirmation page and is written to Wagtail's audit log (``log()``).
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.snippets.widgets import AdminSnippetChooser

from gi_registry.models import Producer
from gi_registry.permissions import is_officer

from ..models import ApiToken, Organisation

VIEW_PERMISSION = "interfaces.view_apitoken"
ADD_PERMISSION = "interfaces.add_apitoken"
REVOKE_PERMISSION = "interfaces.change_apitoken"
REVOKE_ACTION = "interfaces.token.revoke"
LISTING_LIMIT = 200


def is_token_staff(user) -> bool:
    """Registry officers and superusers: every token, for any organisation or producer."""
    return bool(user.is_active and is_officer(user) and user.has_perm(VIEW_PERMISSION))


def may_use_tokens(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION))


def own_producers(user) -> QuerySet:
    """The producers whose tokens a producer account manages: those that list it as an account."""
    return Producer.objects.filter(accounts=user).order_by("name").distinct()


def tokens_for(user) -> QuerySet:
    """The API tokens ``user`` may see and act on in the admin: the one answer every view uses."""
    tokens = ApiToken.objects.select_related("organisation", "producer")
    if not may_use_tokens(user):
        return tokens.none()
    if is_token_staff(user):
        return tokens.all()
    return tokens.filter(producer__in=own_producers(user))


def token_status(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return "expired"
    return "active"


STATUS_LABELS = {
    "active": gettext_lazy("Active"),
    "revoked": gettext_lazy("Revoked"),
    "expired": gettext_lazy("Expired"),
}


class TokenForm(forms.Form):
    """What a token is for, whose it is, what it may do and until when. Staff choose an
    organisation or a producer (with the producer chooser); a producer account one of its own
    producers (no field when it has only one)."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("What the token is for, e.g. “packing line 2”."),
        error_messages={"required": gettext_lazy("Give the token a name, so you know later what it is for.")},
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("— none (a producer's token) —"),
    )
    producer = forms.ModelChoiceField(label=gettext_lazy("Producer"), queryset=Producer.objects.none(), required=False)
    can_capture = forms.BooleanField(
        label=gettext_lazy("May capture events"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Send EPCIS events for the holder's batches (POST /epcis/capture, /epcis/events)."),
    )
    can_query = forms.BooleanField(
        label=gettext_lazy("May query events"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Read the holder's EPCIS events in full (GET /epcis/events)."),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"),
        required=False,
        widget=AdminDateInput,
        help_text=gettext_lazy("Optional: the token stops working at the end of this day."),
        error_messages={"invalid": gettext_lazy("Enter the date as YYYY-MM-DD, e.g. 2027-06-30.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.staff = is_token_staff(user)
        if self.staff:
            self.fields["producer"].queryset = Producer.objects.all()
            self.fields["producer"].widget = AdminSnippetChooser(Producer)
            self.fields["producer"].help_text = _("Or a producer: a token for one producer's own system.")
            self.fields["organisation"].help_text = _(
                "A packing house, logistics firm or platform that records for the producers it lists."
            )
        else:
            del self.fields["organisation"]
            producers = own_producers(user)
            self.fields["producer"].queryset = producers
            self.fields["producer"].required = producers.exists()  # none: clean() says why
            self.fields["producer"].empty_label = None
            if producers.count() <= 1:
                self.fields["producer"].widget = forms.HiddenInput()
                self.fields["producer"].initial = producers.first()
        self.fields["producer"].error_messages["invalid_choice"] = _("Choose a producer from the list.")
        if "organisation" in self.fields:
            self.fields["organisation"].error_messages["invalid_choice"] = _("Choose an active organisation.")

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The expiry date is in the past: choose today or a later day."))
        return day

    def clean(self):
        data = super().clean()
        holder_errors = self.errors.get("producer") or self.errors.get("organisation")
        if self.staff and not holder_errors and bool(data.get("organisation")) == bool(data.get("producer")):
            self.add_error(None, _("Choose either an organisation or a producer as the token's holder."))
        if not self.staff and not self.fields["producer"].queryset.exists():
            self.add_error(None, _("Your account is not linked to a producer; ask the registry to link it."))
        if not (data.get("can_capture") or data.get("can_query")):
            self.add_error(None, _("Tick at least one of “may capture events” and “may query events”."))
        return data

    def issue(self) -> tuple[ApiToken, str]:
        data = self.cleaned_data
        expires_at = None
        if data.get("expires_on"):
            end_of_day = datetime.datetime.combine(data["expires_on"] + datetime.timedelta(days=1), datetime.time())
            expires_at = timezone.make_aware(end_of_day)
        return ApiToken.issue(
            name=data["name"].strip(),
            organisation=data.get("organisation") if self.staff else None,
            producer=data.get("producer"),
            can_capture=data["can_capture"],
            can_query=data["can_query"],
            expires_at=expires_at,
            created_by=self.user,
        )


class TokenAccessMixin:
    permission = VIEW_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if not (may_use_tokens(request.user) and request.user.has_perm(self.permission)):
            raise PermissionDenied
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """What the view reads once access is granted (nothing here)."""

    def get_token(self, pk) -> ApiToken:
        """One of the user's tokens; any other id is not found (404), whether it exists or not."""
        return get_object_or_404(tokens_for(self.request.user), pk=pk)

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items, {"url": reverse("api_tokens:index"), "label": _("API tokens")}]
        return [*items, {"url": "", "label": self.get_page_title()}]


class TokenIndexView(TokenAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "interfaces/admin/tokens/index.html"
    header_icon = "key"

    def get_page_title(self):
        return _("API tokens")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        tokens = tokens_for(user)
        query = self.request.GET.get("q", "").strip()[:80]
        if query:
            tokens = tokens.filter(
                Q(name__icontains=query)
                | Q(key__icontains=query)
                | Q(organisation__name__icontains=query)
                | Q(producer__name__icontains=query)
            )
        status = self.request.GET.get("status", "")
        now = timezone.now()
        if status == "active":
            tokens = tokens.usable()
        elif status == "revoked":
            tokens = tokens.filter(revoked_at__isnull=False)
        elif status == "expired":
            tokens = tokens.filter(revoked_at__isnull=True, expires_at__lte=now)
        else:
            status = ""
        total = tokens.count()
        rows = [{"token": token, "status": token_status(token)} for token in tokens[:LISTING_LIMIT]]
        for row in rows:
            row["status_label"] = STATUS_LABELS[row["status"]]
        context.update(
            rows=rows,
            total=total,
            limit=LISTING_LIMIT,
            query=query,
            status=status,
            statuses=list(STATUS_LABELS.items()),
            staff=is_token_staff(user),
            may_add=user.has_perm(ADD_PERMISSION),
            may_revoke=user.has_perm(REVOKE_PERMISSION),
        )
        return context


@method_decorator(never_cache, name="dispatch")  # the answer to the POST holds the secret: no cache keeps it
class TokenCreateView(TokenAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: the form. POST: issue the token and answer with its secret, in this response only."""

    permission = ADD_PERMISSION
    template_name = "interfaces/admin/tokens/create.html"
    header_icon = "key"

    created = False

    def get_page_title(self):
        return _("API token created") if self.created else _("New API token")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", TokenForm(user=self.request.user))
        context["staff"] = is_token_staff(self.request.user)
        return context

    def post(self, request):
        form = TokenForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("The token was not created: correct the fields marked below."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        token, secret = form.issue()
        log(instance=token, action="wagtail.create", user=request.user)
        self.created = True
        self.template_name = "interfaces/admin/tokens/created.html"
        return self.render_to_response(self.get_context_data(token=token, secret=secret))


class OneTokenMixin(TokenAccessMixin):
    """A view of one of the user's tokens (``pk``): the access check first, then the token (404
    for any id that is not one of the user's)."""

    def load(self, *, pk, **kwargs) -> None:
        self.token = self.get_token(pk)


class TokenDetailView(OneTokenMixin, WagtailAdminTemplateMixin, TemplateView):
    """One token: its holder, scopes and dates, and its history (the audit log); never its secret."""

    template_name = "interfaces/admin/tokens/detail.html"
    header_icon = "key"

    def get_page_title(self):
        return _("API token %(key)s") % {"key": self.token.key}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = token_status(self.token)
        context.update(
            token=self.token,
            status=status,
            status_label=STATUS_LABELS[status],
            may_revoke=status == "active" and self.request.user.has_perm(REVOKE_PERMISSION),
            history=ModelLogEntry.objects.for_instance(self.token).select_related("user").order_by("-timestamp"),
        )
        return context


class TokenRevokeView(OneTokenMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: what revoking this token does; POST: revoke it (logged), back to the listing."""

    permission = REVOKE_PERMISSION
    template_name = "interfaces/admin/tokens/revoke.html"
    header_icon = "key"

    def get_page_title(self):
        return _("Revoke API token %(key)s") % {"key": self.token.key}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(token=self.token, revoked=self.token.revoked_at is not None)
        return context

    def post(self, request, pk):
        if self.token.revoked_at is not None:
            messages.info(request, _("This token was already revoked."))
            return redirect("api_tokens:index")
        self.token.revoke()
        log(instance=self.token, action=REVOKE_ACTION, user=request.user)
        messages.success(
            request,
            _("API token “%(name)s” (%(key)s) revoked: it no longer works.")
            % {"name": self.token.name, "key": self.token.key},
        )
        return redirect("api_tokens:index")


class TokenMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return may_use_tokens(request.user)


class TokenViewSet(ViewSet):
    """开放接口 → API 令牌: the listing, the new-token form, one token and its history, revoking."""

    name = "api_tokens"
    url_prefix = "interfaces/tokens"
    icon = "key"
    menu_label = gettext_lazy("API tokens")
    menu_item_class = TokenMenuItem

    @property
    def menu_url(self):
        return reverse("api_tokens:index")

    def get_urlpatterns(self):
        return [
            path("", TokenIndexView.as_view(), name="index"),
            path("new/", TokenCreateView.as_view(), name="add"),
            path("<int:pk>/", TokenDetailView.as_view(), name="detail"),
            path("<int:pk>/revoke/", TokenRevokeView.as_view(), name="revoke"),
        ]


def register_log_actions(actions) -> None:
    actions.register_action(REVOKE_ACTION, gettext_lazy("Revoke API token"), gettext_lazy("API token revoked"))
