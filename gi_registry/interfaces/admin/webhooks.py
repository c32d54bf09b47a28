"""Webhooks in the admin (网络钩子): organisations' subscriptions and the delivery log.

Who: registry officers (登记管理员; the model permissions ``interfaces.*_subscription`` and
``view_delivery`` given by ``interfaces/setup.py``) and superusers. Brand editors, producer
accounts and enforcement staff hold none of them: no menu, every URL answers 403.

The signing secret is shown once, on the page the "add" form leads to; after that only through an
explicit "reveal" (a POST, confirmed) or "rotate" (a new secret, the old one stops working).
Deliveries are read-only; a delivery's page lists every request with its response and offers
"replay" (sent again at once, new timestamp, same ``Webhook-Id``). A paused subscription shows why
and offers "resume".
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .. import webhooks
from ..models import Delivery, RegistryChange, Subscription

SECRET_SESSION_KEY = "interfaces_webhook_secret_once"  # noqa: S105 (a session key name)
MANAGE_PERMISSION = "interfaces.change_subscription"


def can_manage(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm(MANAGE_PERMISSION)))


def allow_secret_once(request, subscription: Subscription) -> None:
    """The next visit to the subscription's secret page may show the secret (once)."""
    request.session[SECRET_SESSION_KEY] = subscription.pk


# ---- subscriptions ------------------------------------------------------------------------


class SubscriptionForm(WagtailAdminModelForm):
    target_url = forms.URLField(
        label=gettext_lazy("target URL"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("The https address the registry POSTs each change to."),
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds of change"),
        choices=RegistryChange.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one kind of change.")},
        help_text=gettext_lazy("Each change of these kinds is POSTed to the address, signed."),
    )

    class Meta:
        model = Subscription
        fields = ["organisation", "target_url", "kinds", "geographical_indication", "product_family", "is_active"]


class SubscriptionCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        instance = super().save_instance()
        allow_secret_once(self.request, instance)
        return instance

    def get_success_url(self):
        return reverse("webhook_subscriptions:secret", args=[self.object.pk])

    def get_success_message(self, instance):
        return _("Subscription added. Copy its signing secret now: it is shown only this once.")


class SubscriptionEditView(generic.EditView):
    template_name = "interfaces/admin/webhooks/subscription_edit.html"

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        pk = self.object.pk
        buttons += [
            Button(
                _("Delivery log"),
                url=reverse("webhook_deliveries:index") + f"?subscription={pk}",
                icon_name="list-ul",
                priority=30,
            ),
            Button(
                _("Reveal signing secret"),
                url=reverse("webhook_subscriptions:reveal", args=[pk]),
                icon_name="view",
                priority=40,
            ),
            Button(
                _("Rotate signing secret"),
                url=reverse("webhook_subscriptions:rotate", args=[pk]),
                icon_name="rotate",
                priority=50,
            ),
        ]
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["resume_url"] = reverse("webhook_subscriptions:resume", args=[self.object.pk])
        return context


class SubscriptionActionView(WagtailAdminTemplateMixin, TemplateView):
    """A confirmed POST on one subscription (reveal, rotate, resume): GET shows what will happen."""

    template_name = "interfaces/admin/webhooks/confirm.html"
    header_icon = "link"
    action = ""

    def dispatch(self, request, pk):
        if not can_manage(request.user):
            raise PermissionDenied
        self.subscription = get_object_or_404(Subscription, pk=pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.subscription)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("webhook_subscriptions:index"), "label": _("Webhook subscriptions")},
            {
                "url": reverse("webhook_subscriptions:edit", args=[self.subscription.pk]),
                "label": str(self.subscription),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            subscription=self.subscription,
            message=self.message(),
            button=self.button_label(),
            cancel_url=reverse("webhook_subscriptions:edit", args=[self.subscription.pk]),
        )
        return context

    def post(self, request, pk):
        return self.act()

    def back(self):
        return redirect("webhook_subscriptions:edit", self.subscription.pk)


class RevealSecretView(SubscriptionActionView):
    page_title = gettext_lazy("Reveal signing secret")

    def message(self):
        return _("The secret will be shown on the next page. Anyone who has it can sign deliveries as the registry.")

    def button_label(self):
        return _("Show the secret")

    def act(self):
        allow_secret_once(self.request, self.subscription)
        return redirect("webhook_subscriptions:secret", self.subscription.pk)


class RotateSecretView(SubscriptionActionView):
    page_title = gettext_lazy("Rotate signing secret")

    def message(self):
        return _(
            "A new secret replaces the current one at once: deliveries signed from now on verify only with "
            "the new secret. Give it to the organisation before its receiver rejects them."
        )

    def button_label(self):
        return _("Make a new secret")

    def act(self):
        self.subscription.rotate_secret()
        allow_secret_once(self.request, self.subscription)
        messages.success(self.request, _("A new signing secret was made; the old one no longer works."))
        return redirect("webhook_subscriptions:secret", self.subscription.pk)


class ResumeView(SubscriptionActionView):
    page_title = gettext_lazy("Resume subscription")

    def message(self):
        return _(
            "Deliveries start again with the next change. Changes missed while paused are in the delivery log "
            "as abandoned; replay those the organisation still needs."
        )

    def button_label(self):
        return _("Resume")

    def act(self):
        if self.subscription.is_paused:
            self.subscription.resume()
            messages.success(self.request, _("Subscription resumed."))
        return self.back()


class SecretView(WagtailAdminTemplateMixin, TemplateView):
    """The secret, once: only right after adding, revealing or rotating (a session flag, spent here)."""

    template_name = "interfaces/admin/webhooks/secret.html"
    page_title = gettext_lazy("Signing secret")
    header_icon = "key"

    def dispatch(self, request, pk):
        if not can_manage(request.user):
            raise PermissionDenied
        self.subscription = get_object_or_404(Subscription, pk=pk)
        if request.session.get(SECRET_SESSION_KEY) != self.subscription.pk:
            messages.warning(request, _("The secret is shown only once. Reveal it again or rotate it."))
            return redirect("webhook_subscriptions:edit", self.subscription.pk)
        del request.session[SECRET_SESSION_KEY]
        response = super().dispatch(request, pk)
        response["Cache-Control"] = "no-store"
        return response

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("webhook_subscriptions:index"), "label": _("Webhook subscriptions")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            subscription=self.subscription,
            edit_url=reverse("webhook_subscriptions:edit", args=[self.subscription.pk]),
        )
        return context


class SubscriptionViewSet(ModelViewSet):
    model = Subscription
    name = "webhook_subscriptions"
    url_prefix = "interfaces/webhooks/subscriptions"
    icon = "link"
    menu_label = gettext_lazy("Webhook subscriptions")
    menu_order = 10
    add_to_admin_menu = False
    add_view_class = SubscriptionCreateView
    edit_view_class = SubscriptionEditView
    copy_view_enabled = False
    list_display = ["organisation", "target_url", "kind_labels", "state", "consecutive_failures"]
    list_filter = ["is_active", "organisation"]
    search_fields = ["target_url", "organisation__name"]

    def get_form_class(self, for_update=False):
        return SubscriptionForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("secret/<int:pk>/", SecretView.as_view(), name="secret"),
            path("reveal/<int:pk>/", RevealSecretView.as_view(), name="reveal"),
            path("rotate/<int:pk>/", RotateSecretView.as_view(), name="rotate"),
            path("resume/<int:pk>/", ResumeView.as_view(), name="resume"),
        ]


# ---- deliveries ------------------------------------------------------------------------------


class ViewOnlyPolicy(ModelPermissionPolicy):
    """The delivery log is read, never edited: ``view`` for who holds ``view_delivery``; no add,
    change or delete for anyone (a superuser included). Replay is its own view (``can_manage``)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(["view"])


register_permission_policy(Delivery, ViewOnlyPolicy(Delivery))


class DeliveryInspectView(generic.InspectView):
    template_name = "interfaces/admin/webhooks/delivery_inspect.html"

    @property
    def header_more_buttons(self):
        buttons = []
        if can_manage(self.request.user):
            buttons.append(
                Button(
                    _("Replay"),
                    url=reverse("webhook_deliveries:replay", args=[self.object.pk]),
                    icon_name="repeat",
                    priority=10,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attempt_log"] = self.object.attempt_log.order_by("number")
        return context


class ReplayView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "interfaces/admin/webhooks/confirm.html"
    page_title = gettext_lazy("Replay delivery")
    header_icon = "repeat"

    def dispatch(self, request, pk):
        if not can_manage(request.user):
            raise PermissionDenied
        self.delivery = get_object_or_404(Delivery.objects.select_related("subscription", "change"), pk=pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.delivery)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("webhook_deliveries:index"), "label": _("Webhook deliveries")},
            {"url": reverse("webhook_deliveries:inspect", args=[self.delivery.pk]), "label": str(self.delivery)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        message = _("The change is sent again now, with a new timestamp and signature and the same Webhook-Id.")
        if self.delivery.subscription.is_paused:
            message = _("The subscription is paused: resume it first, or the replay is not sent.")
        context.update(
            message=message,
            button=_("Replay"),
            cancel_url=reverse("webhook_deliveries:inspect", args=[self.delivery.pk]),
        )
        return context

    def post(self, request, pk):
        webhooks.replay(self.delivery)
        messages.success(request, _("The delivery was queued to be sent again."))
        return redirect("webhook_deliveries:inspect", self.delivery.pk)


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    name = "webhook_deliveries"
    url_prefix = "interfaces/webhooks/deliveries"
    icon = "list-ul"
    menu_label = gettext_lazy("Webhook deliveries")
    menu_order = 20
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = DeliveryInspectView
    form_fields = ["status"]  # never editable (ViewOnlyPolicy); a form class must still exist
    list_display = [
        "created_at",
        "change_label",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    ]
    list_filter = ["status", "subscription"]
    list_export = ["id", "created_at", "change", "subscription", "status", "attempts", "last_status_code", "last_error"]
    inspect_view_fields = [
        "id",
        "change_label",
        "subscription",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_duration_ms",
        "last_error",
        "created_at",
        "updated_at",
    ]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("replay/<uuid:pk>/", ReplayView.as_view(), name="replay")]


class WebhooksViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Webhooks")
    menu_icon = "link"
    menu_order = 260
    items = (SubscriptionViewSet, DeliveryViewSet)
