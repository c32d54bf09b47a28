"""The contact page stores submissions and resists spam; bad input keeps what the visitor typed."""

import logging
import socket
import time

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.contrib.forms.models import FormSubmission
from wagtail.test.utils import WagtailPageTestCase

from brands.models import BrandIndexPage, BrandPage
from website.contact import sign_start
from website.models import AnnouncementIndexPage, ContactFormField, ContactPage, ContentPage, HomePage

pytestmark = pytest.mark.usefixtures("empty_cache")  # the rate limit's counters


def contact_page(**fields) -> ContactPage:
    home = HomePage.objects.get(locale__language_code="zh-hans")
    page = ContactPage(title="联系我们", slug="contact", **fields)
    page.form_fields = [
        ContactFormField(sort_order=0, label="name", field_type="singleline", required=True),
        ContactFormField(sort_order=1, label="message", field_type="multiline", required=True),
    ]
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def posted(started_seconds_ago: float = 10, **data) -> dict:
    return {
        "started": sign_start(time.time() - started_seconds_ago),
        "name": "张三",
        "message": "想申请使用专用标志",
        **data,
    }


class WhereTheContactPageGoes(WagtailPageTestCase):
    def test_under_the_home_page_only_and_once(self):
        self.assertAllowedParentPageTypes(ContactPage, {HomePage})
        self.assertAllowedSubpageTypes(ContactPage, set())
        for parent in (ContentPage, BrandIndexPage, BrandPage, AnnouncementIndexPage):
            self.assertCanNotCreateAt(parent, ContactPage)
        page = contact_page()
        self.assertFalse(ContactPage.can_create_at(page.get_parent()))  # max_count = 1

    def test_renders(self):
        self.assertPageIsRenderable(contact_page())


@pytest.fixture
def page(db):
    return contact_page()


def test_a_good_submission_is_stored_and_thanked(client, page):
    response = client.post("/contact/", posted())
    assert response.status_code == 200
    assert "留言已收到" in response.content.decode()  # /contact/: the Chinese page
    submission = FormSubmission.objects.get(page=page)
    assert submission.get_data()["name"] == "张三"
    assert "homepage" not in submission.form_data and "started" not in submission.form_data
    assert mail.outbox == []  # no address set: stored only


def mailing_page() -> ContactPage:
    return contact_page(to_address="ip@example.cn", from_address="noreply@example.cn", subject="留言")


def test_a_copy_is_mailed_when_staff_set_an_address(client, db, django_capture_on_commit_callbacks):
    mailing_page()
    data = posted()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/contact/", data)
    assert len(mail.outbox) == 1 and "想申请使用专用标志" in mail.outbox[0].body
    body = mail.outbox[0].body
    assert body.splitlines() == ["name: 张三", "message: 想申请使用专用标志"]  # staff's fields only
    assert data["started"] not in body and "csrf" not in body.lower()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def test_an_unreachable_mail_relay_still_thanks_and_stores(
    client, db, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    page = mailing_page()
    with caplog.at_level(logging.ERROR, logger="website.contact"), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", posted())
    assert response.status_code == 200 and "form-errors" not in response.content.decode()
    assert FormSubmission.objects.get(page=page).get_data()["name"] == "张三"
    assert "to ip@example.cn failed (attempt 1 of 3)" in caplog.text


def mail_tasks():
    return DBTaskResult.objects.filter(task_path="website.contact.send_contact_copy").order_by("enqueued_at")


def test_with_the_database_backend_the_worker_sends_the_mail_after_the_response(
    client, db, queued_tasks, run_task_worker, django_capture_on_commit_callbacks
):
    mailing_page()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/contact/", posted()).status_code == 200
    assert mail.outbox == []  # the response did not wait for the mail
    task = mail_tasks().get()
    assert task.status == "READY"
    assert "张三" not in str(task.args_kwargs)  # the task holds the submission's id, not the visitor's text
    run_task_worker()
    assert len(mail.outbox) == 1 and "想申请使用专用标志" in mail.outbox[0].body
    assert mail_tasks().get().status == "SUCCESSFUL"


def test_a_failed_mail_stays_visible_and_is_tried_again_later(
    client, db, settings, queued_tasks, run_task_worker, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    mailing_page()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/contact/", posted())
    run_task_worker()
    failed, retry = mail_tasks()
    assert failed.status == "FAILED" and retry.status == "READY"
    assert retry.run_after > timezone.now() and retry.args_kwargs["kwargs"] == {"attempt": 2}


def test_the_form_page_is_never_cached(client, page, settings):
    settings.PAGE_CACHE_SECONDS = 60
    client.get("/contact/")
    second = client.get("/contact/")  # with the CSRF cookie now set: still not from the cache
    assert "X-Page-Cache" not in second.headers
    assert "no-store" in second["Cache-Control"] and "private" in second["Cache-Control"]


def test_missing_fields_keep_what_was_typed(client, page):
    response = client.post("/contact/", posted(name=""))
    html = response.content.decode()
    assert response.status_code == 200 and 'aria-invalid="true"' in html
    assert "想申请使用专用标志" in html
    assert not FormSubmission.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"started": 0.5}, "very fast"),
        ({"started": "forged"}, "could not be checked"),
        ({"started": ""}, "could not be checked"),
        ({"started": 2 * 86400}, "too long ago"),
        ({"message": "http://a.example http://b.example www.c.example"}, "at most 2 web links"),
    ],
)
def test_spam_guards_refuse_with_a_message_and_keep_the_text(client, page, data, message):
    if isinstance(data.get("started"), float | int):  # seconds ago, signed now (not at collection)
        data = {**data, "started": sign_start(time.time() - data["started"])}
    with_data = {**posted(), **data}
    html = client.post("/en/contact/", with_data).content.decode()
    assert message in html
    assert with_data["message"].split()[0] in html  # the visitor's text is still in the form
    assert not FormSubmission.objects.exists()


def test_a_filled_honeypot_is_thanked_but_not_stored(client, page):
    response = client.post("/contact/", posted(homepage="http://spam.example"))
    assert response.status_code == 200 and "form-errors" not in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_rate_limit_per_client(client, page, settings):
    settings.CONTACT_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post("/contact/", posted()).status_code == 200
    refused = client.post("/contact/", posted(message="第三条留言"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "第三条留言" in refused.content.decode()
    assert FormSubmission.objects.count() == 2
    other = client.post("/contact/", posted(), REMOTE_ADDR="10.9.8.7")  # another network is not limited
    assert other.status_code == 200 and FormSubmission.objects.count() == 3


def test_an_expired_form_comes_back_with_a_fresh_start_and_can_then_be_sent(client, page, settings):
    settings.CONTACT_MIN_SECONDS = 0
    html = client.post("/contact/", posted(started_seconds_ago=2 * 86400)).content.decode()
    fresh = html.split('name="started" value="', 1)[1].split('"', 1)[0]
    assert client.post("/contact/", {**posted(), "started": fresh}).status_code == 200
    assert FormSubmission.objects.count() == 1


# --- limits, replays, and what counts against the rate limit ----------------------------------


def test_a_message_over_the_field_limit_is_refused_and_kept(client, page, settings):
    settings.CONTACT_MAX_FIELD_CHARS = 100
    long_text = "长" * 101
    response = client.post("/en/contact/", posted(message=long_text))
    html = response.content.decode()
    assert response.status_code == 200 and "at most 100 characters" in html
    assert long_text in html  # the visitor's text is still in the form
    assert not FormSubmission.objects.exists()


def test_the_default_field_limit_is_five_thousand_characters(client, page):
    assert client.post("/contact/", posted(message="长" * 5000)).status_code == 200
    assert FormSubmission.objects.count() == 1
    client.post("/contact/", posted(message="长" * 5001))
    assert FormSubmission.objects.count() == 1


def test_a_huge_request_is_refused_unread_and_nothing_is_mailed(client, db, django_capture_on_commit_callbacks):
    mailing_page()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/contact/", posted(message="x" * (9 * 1024 * 1024)))
    assert response.status_code == 413 and "too long" in response.content.decode()
    assert not FormSubmission.objects.exists() and mail.outbox == []


def test_one_start_time_sends_one_message(client, page, settings, django_capture_on_commit_callbacks):
    data = posted()
    assert client.post("/contact/", data).status_code == 200
    replay = client.post("/en/contact/", {**data, "message": "再发一次"})
    html = replay.content.decode()
    assert "already been sent" in html and "再发一次" in html
    assert FormSubmission.objects.count() == 1


@pytest.mark.parametrize(
    "refused",
    [
        {"homepage": "http://spam.example"},
        {"started": "forged"},
        {"message": "x" * (300 * 1024)},  # over CONTACT_MAX_BODY_BYTES
    ],
    ids=["honeypot", "forged-start", "oversize"],
)
def test_refused_attempts_count_against_the_limit(client, page, settings, refused):
    settings.CONTACT_RATE_LIMIT = 2
    for _ in range(2):
        client.post("/contact/", posted(**refused))
    assert not FormSubmission.objects.exists()
    assert client.post("/contact/", posted()).status_code == 429
    assert not FormSubmission.objects.exists()
