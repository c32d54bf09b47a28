"""No admin URL shows one owner's data to another: every URL Wagtail and the project register
under /admin/ (choosers, reports, bulk actions, exports, inspect, history, usage, revisions, and
the image and document views; issue 12's batch flow, certificates, usage reports and profile photos)
is requested as a producer account (linked to producer A) and as a
brand editor, with its path parameters filled with producer B's records (B's photo and report for
the image and document URLs), and no marker of producer B's data may appear."""

import contextlib
import io
import json
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from wagtail.contrib.forms.models import FormSubmission
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.log_actions import log

from gi_registry.factories import AuthorisationFactory, ProducerFactory, make_user
from gi_registry.models import ProducerPhoto
from gi_registry.setup import PRODUCERS
from gi_registry.trace.certificates import issue_certificate, prefill
from gi_registry.trace.factories import BatchFactory, TraceEventFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import TraceCode, UsageReport
from website.models import ContactFormField, ContactPage, HomePage

pytestmark = pytest.mark.django_db

# Markers of producer B's data (and of a visitor's contact submission): none may reach A or an editor.
B_NAME = "乙方隔离标记合作社"
B_LOT = "LEAKLOT-B-7731"
B_AUTH = "LEAKAUTH-B-7731"
B_POINT = "LEAKPOINT-B-7731"
VISITOR_PHONE = "13911117731"
B_PHOTO = "LEAKPHOTO-B-7731"
B_REPORT = "LEAKREPORT-B-7731"
A_LOT = "OWNLOT-A-1234"
# issue 12's records of B: its compliance certificate, usage report and public profile photo
B_CERT = "LEAKCERT-B-7731"
B_USAGE = "LEAKUSAGE-B-7731"
B_CAPTION = "LEAKCAPTION-B-7731"

OWNED_MODELS = ("producer", "authorisation", "batch", "traceevent")
LISTING_NAMES = re.compile(r"(list|index|results|choose|report|history|workflow|submissions|aging|locked|usage)")
SKIP_NAMES = {"wagtailadmin_logout", "logout"}


def admin_routes() -> list[tuple[str, str]]:
    """(route with ``<param>`` placeholders, URL name) for every pattern under /admin/."""

    def as_route(pattern) -> str:
        text = str(pattern)
        if isinstance(pattern, RegexPattern):
            text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
            text = text.replace("^", "").replace("$", "").replace("\\.", ".")
        return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", text.replace("^", ""))

    def walk(resolver, prefix: str):
        for entry in resolver.url_patterns:
            route = prefix + as_route(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, route)
            else:
                yield route, entry.name or ""

    return [(route, name) for route, name in walk(get_resolver(), "/") if route.startswith("/admin/")]


@pytest.fixture
def world(officer, producer_user):
    """Producer A (the producer account's own) and producer B with a batch, event, code, log
    entries and revisions; a contact page with one visitor's submission."""
    own = AuthorisationFactory()
    own.producer.accounts.add(producer_user)
    own.producer.save()
    own_batch = BatchFactory(authorisation=own, lot_number=A_LOT)

    producer_b = ProducerFactory(name=B_NAME)
    producer_b.accounts.add(make_user("producer-b", PRODUCERS))
    producer_b.save()  # B's account: B gets its own image and document collection
    b_collection = producer_b.media_collection.collection
    photo_b = Image.objects.create(title=B_PHOTO, file=get_test_image_file(), collection=b_collection)
    report_b = Document.objects.create(
        title=B_REPORT, file=ContentFile(b"%PDF-1.4", name="b-report.pdf"), collection=b_collection
    )
    auth_b = AuthorisationFactory(producer=producer_b, number=B_AUTH)
    batch_b = BatchFactory(authorisation=auth_b, lot_number=B_LOT)
    event_b = TraceEventFactory(batch=batch_b, read_point=B_POINT, note=B_POINT)
    issue_codes(batch_b, 2, officer)
    certificate_b = issue_certificate(
        batch_b, officer, **{**prefill(batch_b), "signatory": B_CERT, "producer_contact": B_CERT}
    )
    usage_b = UsageReport.objects.create(
        authorisation=auth_b, year=auth_b.valid_from.year, status="submitted", notes=B_USAGE, sales_regions=B_USAGE
    )
    log(instance=usage_b, action="wagtail.edit", user=officer)
    ProducerPhoto.objects.create(producer=producer_b, image=photo_b, caption=B_CAPTION)
    for record in (producer_b, auth_b):
        record.save_revision(user=officer, log_action=True)
    for record in (producer_b, auth_b, batch_b, event_b):
        log(instance=record, action="wagtail.edit", user=officer)
    log(instance=own_batch, action="wagtail.edit", user=producer_user)

    home = HomePage.objects.get(locale__language_code="zh-hans")
    contact = ContactPage(title="联系我们", slug="contact")
    contact.form_fields = [ContactFormField(sort_order=0, label="phone", field_type="singleline")]
    home.add_child(instance=contact)
    contact.save_revision(user=officer).publish()
    FormSubmission.objects.create(page=contact, form_data={"phone": VISITOR_PHONE})

    return {
        "producer": producer_b,
        "authorisation": auth_b,
        "batch": batch_b,
        "traceevent": event_b,
        "tracecode": TraceCode.objects.filter(batch=batch_b).first(),
        "page": contact,
        "own_batch": own_batch,
        "image": photo_b,
        "document": report_b,
        "certificate": certificate_b,
        "usagereport": usage_b,
    }


def model_of(route: str) -> str | None:
    match = re.search(r"/gi_registry/(\w+)/", route)
    if match:
        return match.group(1)
    if "/trace/batch/" in route or "/trace/flow/" in route:
        return "batch"
    if "/trace/certificate/" in route:
        return "certificate"
    if "/trace/usage/review/" in route:
        return "usagereport"
    if "/trace/usage/" in route:
        return "authorisation"
    if "/trace/code/" in route:
        return "tracecode"
    if route.startswith("/admin/images/"):
        return "image"
    if route.startswith("/admin/documents/"):
        return "document"
    return None


def urls_for(route: str, name: str, world) -> list[str]:
    """The route with B's ids in its parameters, and query variants for listings and exports."""
    params = re.findall(r"<(\w+)>", route)
    model = model_of(route)
    record = world.get(model) if model else None
    page = world["page"]

    if {"app_label", "model_name", "action"} <= set(params):  # bulk actions
        from wagtail.admin.views.bulk_action.registry import bulk_action_registry

        bulk_action_registry.get_bulk_actions_for_model("gi_registry", "producer")  # scans the hooks
        actions = {
            action for models in bulk_action_registry.actions.values() for types in models.values() for action in types
        }
        urls = [
            f"/admin/bulk/gi_registry/{m}/{action}/?id={world[m].pk}"
            for m in OWNED_MODELS
            for action in sorted(actions)
        ]
        urls.append(f"/admin/bulk/wagtailcore/page/delete/?id={page.pk}")
        return urls

    values = {}
    for param in params:
        if param in ("revision_id_a",):
            values[param] = "earliest"
        elif param in ("revision_id_b",):
            values[param] = "latest"
        elif param == "revision_id":
            target = record if record is not None and hasattr(record, "revisions") else page
            values[param] = str(target.revisions.order_by("-pk").first().pk)
        elif param == "image_id":
            values[param] = str(world["image"].pk)
        elif param in ("document_id", "doc_id"):
            values[param] = str(world["document"].pk)
        elif param in ("pk", "id", "object_id", "page_id", "parent_page_id", "instance_id"):
            values[param] = str((record or page).pk)
        elif param == "year":
            values[param] = str(world["usagereport"].year)
        elif param == "size":
            values[param] = "a6"
        elif param == "fmt":
            values[param] = "svg" if model == "tracecode" else "csv"
        elif param == "app_label":
            values[param] = "gi_registry"
        elif param == "model_name":
            values[param] = "producer"
        else:
            values[param] = "1"
    url = re.sub(r"<(\w+)>", lambda m: values[m.group(1)], route)
    urls = [url]
    query_id = (record or page).pk
    urls.append(f"{url}?q=&id={query_id}")
    if LISTING_NAMES.search(name) or LISTING_NAMES.search(route):
        urls += [f"{url}?export=csv", f"{url}?export=xlsx"]
    return urls


def body_text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw.startswith(b"PK"):  # XLSX or ZIP: every member's text (shared strings and sheets)
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(member) for member in archive.namelist())
    text = raw.decode("utf-8", errors="replace")
    if "json" in response.get("Content-Type", ""):
        with contextlib.suppress(ValueError):  # choosers answer JSON with HTML inside, \u-escaped
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def test_no_admin_url_shows_another_owners_data(client, world, producer_user, brand_editor):
    markers = [B_NAME, world["producer"].credit_code, B_LOT, B_AUTH, B_POINT, VISITOR_PHONE, B_PHOTO, B_REPORT]
    markers += [B_CERT, B_USAGE, B_CAPTION]
    client.raise_request_exception = False
    routes = [(route, name) for route, name in admin_routes() if name not in SKIP_NAMES and "^.*" not in route]
    assert len(routes) > 300  # the walk reaches every registered admin view
    leaks, requested, own_lot_seen = [], 0, False
    for user in (producer_user, brand_editor):
        client.force_login(user)
        for route, name in routes:
            for url in urls_for(route, name, world):
                response = client.get(url)
                requested += 1
                text = body_text(response)
                for marker in markers:
                    if marker in text:
                        leaks.append(f"{user.username} {url} {response.status_code}: {marker}")
                own_lot_seen |= user == producer_user and A_LOT in text
    assert requested > 800
    assert own_lot_seen  # the producer does see its own batch: the markers would show if leaked
    assert leaks == [], "\n".join(leaks)
