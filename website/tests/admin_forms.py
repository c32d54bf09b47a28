"""Every admin add form (and one edit form per kind) a user may open: snippets of every viewset,
images and documents, the registry import, and each page type the user may add or edit.

Found from the registered viewsets and the permission policies, so a new model or page type is
walked without a change here.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.snippets.models import get_snippet_models


def snippet_form_urls(user) -> list[tuple[str, str]]:
    urls = []
    for model in get_snippet_models():
        viewset = model.snippet_viewset
        policy = viewset.permission_policy
        label = model._meta.label
        if policy.user_has_permission(user, "add"):
            urls.append((f"add {label}", reverse(viewset.get_url_name("add"))))
        if policy.user_has_permission(user, "change"):
            instance = policy.instances_user_has_permission_for(user, "change").order_by("pk").first()
            if instance is not None:
                urls.append((f"edit {label}", reverse(viewset.get_url_name("edit"), args=[instance.pk])))
    return urls


def other_form_urls(user) -> list[tuple[str, str]]:
    urls = []
    image_policy = policy_registry.get_by_type(get_image_model())
    document_policy = policy_registry.get_by_type(get_document_model())
    if image_policy.user_has_permission(user, "add"):
        urls.append(("add image", reverse("wagtailimages:add")))
        image = image_policy.instances_user_has_permission_for(user, "change").order_by("pk").first()
        if image is not None:
            urls.append(("edit image", reverse("wagtailimages:edit", args=[image.pk])))
    if document_policy.user_has_permission(user, "add"):
        urls.append(("add document", reverse("wagtaildocs:add")))
        document = document_policy.instances_user_has_permission_for(user, "change").order_by("pk").first()
        if document is not None:
            urls.append(("edit document", reverse("wagtaildocs:edit", args=[document.pk])))
    try:
        import_url = reverse("registry_import:upload")
    except NoReverseMatch:
        import_url = None
    if import_url and user.has_perm("gi_registry.add_producer"):
        urls.append(("registry import", import_url))
    return urls


def page_form_urls(user) -> list[tuple[str, str]]:
    """For each page type: the add form under the first page that may hold it, and the edit form of
    the first page of that type the user may edit (source-language tree first)."""
    added, edited, urls = set(), set(), []
    for page in Page.objects.filter(depth__gte=2).order_by("locale__language_code", "path").specific():
        perms = page.permissions_for_user(user)
        model = type(page)
        if model not in edited and perms.can_edit():
            edited.add(model)
            urls.append((f"edit page {model._meta.label}", reverse("wagtailadmin_pages:edit", args=[page.pk])))
        if not perms.can_add_subpage():
            continue
        for child in model.creatable_subpage_models():
            if child not in added and child.can_create_at(page):
                added.add(child)
                meta = child._meta
                urls.append(
                    (
                        f"add page {meta.label}",
                        reverse("wagtailadmin_pages:add", args=[meta.app_label, meta.model_name, page.pk]),
                    )
                )
    return urls


def own_first(queryset, user):
    """The first record of ``queryset`` that belongs to ``user``'s producer, else the first."""
    from gi_registry.models import Producer

    own = Producer.objects.filter(accounts=user).first()
    mine = queryset.filter(authorisation__producer=own) if own is not None else queryset.none()
    return mine.order_by("pk").first() or queryset.order_by("pk").first()


def trace_form_urls(user) -> list[tuple[str, str]]:
    """The producer's guided batch flow (events, codes, labels, certificate), a batch's certificate
    form and a usage report's form (issue 12)."""
    from gi_registry.models import Authorisation
    from gi_registry.trace.admin.usage_reports import is_owner, may_see_reports, years_of
    from gi_registry.trace.models import Batch, UsageReport

    urls = []
    policy = policy_registry.get_by_type(Batch)
    batch = own_first(policy.instances_user_has_permission_for(user, "change"), user)
    if batch is not None:
        for step in ("flow_events", "flow_codes", "flow_labels", "flow_certificate", "certificate"):
            urls.append((f"trace {step}", reverse(f"trace_admin:{step}", args=[batch.pk])))
    if not may_see_reports(user):
        return urls
    # the producer's form: a year of its own authorisation still open to filing
    for authorisation in Authorisation.objects.filter(producer__accounts=user).order_by("pk"):
        filed = dict(authorisation.usage_reports.values_list("year", "status"))
        year = next((y for y in years_of(authorisation) if filed.get(y, "draft") in UsageReport.EDITABLE), None)
        if year is not None and is_owner(user, authorisation):
            urls.append(("usage report file", reverse("usage_reports:report", args=[authorisation.pk, year])))
            break
    # the officer's review form: a submitted report
    report = UsageReport.objects.filter(status=UsageReport.Status.SUBMITTED).order_by("pk").first()
    if report is not None and not is_owner(user, report.authorisation):
        urls.append(
            ("usage report review", reverse("usage_reports:report", args=[report.authorisation_id, report.year]))
        )
    return urls


def protection_form_urls(user) -> list[tuple[str, str]]:
    """The enforcement pages' forms (issue 13): holidays, copy thresholds and a case's page, whose
    status change, note, attachment and merge forms are on it."""
    from gi_registry.protection.models import Case, CopyThreshold, Holiday

    urls = []
    if user.has_perm("protection.add_holiday"):
        urls.append(("add protection.Holiday", reverse("protection_holidays:add")))
        holiday = Holiday.objects.order_by("pk").first()
        if holiday is not None:
            urls.append(("edit protection.Holiday", reverse("protection_holidays:edit", args=[holiday.pk])))
    thresholds = policy_registry.get_by_type(CopyThreshold)
    if thresholds.user_has_permission(user, "add"):
        urls.append(("add protection.CopyThreshold", reverse("protection_copy_thresholds:add")))
    if thresholds.user_has_permission(user, "change"):
        threshold = CopyThreshold.objects.order_by("pk").first()
        if threshold is not None:
            urls.append(
                ("edit protection.CopyThreshold", reverse("protection_copy_thresholds:edit", args=[threshold.pk]))
            )
    if user.has_perm("protection.handle_case"):
        case = Case.objects.order_by("pk").first()
        if case is not None:
            urls.append(("case page protection.Case", reverse("protection_cases:inspect", args=[case.pk])))
    return urls


def admin_form_urls(user) -> list[tuple[str, str]]:
    return [
        *snippet_form_urls(user),
        *other_form_urls(user),
        *page_form_urls(user),
        *trace_form_urls(user),
        *protection_form_urls(user),
    ]
