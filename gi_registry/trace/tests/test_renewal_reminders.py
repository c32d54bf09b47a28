"""Renewal reminders by e-mail (``manage.py send_renewal_reminders``, locmem mail backend): the
producer's accounts are mailed 90 and 30 days before an authorisation expires, in Chinese, each
reminder once however often the daily cron runs; another producer's accounts get nothing of it."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from gi_registry.factories import AuthorisationFactory, ProducerFactory, make_user
from gi_registry.setup import PRODUCERS
from gi_registry.trace.models import RenewalReminder

TODAY = datetime.date(2026, 12, 5)

pytestmark = pytest.mark.usefixtures("locmem")


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def run(day: datetime.date = TODAY) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("send_renewal_reminders", date=day.isoformat(), stdout=out, stderr=err)
    return out.getvalue()


@pytest.fixture
def farm(db):
    """A cooperative with two accounts (one without an e-mail address), its authorisation expiring
    in 80 days; another producer's account and authorisation expiring in 200 days."""
    producer = ProducerFactory(name="梁平区礼让镇川西柚子专业合作社")
    producer.accounts.add(
        make_user("coop", PRODUCERS, email="coop@example.invalid"), make_user("coop2", PRODUCERS, email="")
    )
    producer.save()
    auth = AuthorisationFactory(
        producer=producer, number="LPGI-2026-00012", valid_until=TODAY + datetime.timedelta(days=80)
    )
    other = ProducerFactory(name="重庆梁平竹乡笋制品有限公司")
    other.accounts.add(make_user("other", PRODUCERS, email="other@example.invalid"))
    other.save()
    AuthorisationFactory(producer=other, valid_until=TODAY + datetime.timedelta(days=200))
    return auth


def test_90_day_reminder_mailed_once_in_chinese(farm):
    out = run()
    assert "1 sent, 0 already sent" in out
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coop@example.invalid"]
    assert "LPGI-2026-00012" in message.subject and "2027-02-23" in message.subject
    assert "到期" in message.subject and "80 天" in message.body and "续展" in message.body
    # the cron runs again that day and the next: nothing more is sent
    assert "0 sent, 1 already sent" in run()
    assert "0 sent, 1 already sent" in run(TODAY + datetime.timedelta(days=1))
    assert len(mail.outbox) == 1
    assert RenewalReminder.objects.get().days_before == 90


def test_30_day_reminder_follows_then_renewal_resets(farm):
    run()
    run(TODAY + datetime.timedelta(days=50))  # 30 days left
    assert len(mail.outbox) == 2 and "30 天" in mail.outbox[1].body
    assert sorted(RenewalReminder.objects.values_list("days_before", flat=True)) == [30, 90]
    run(TODAY + datetime.timedelta(days=60))
    assert len(mail.outbox) == 2
    # renewed for three years: reminded again when the new expiry date comes near
    farm.valid_until = datetime.date(2030, 2, 23)
    farm.save()
    run(datetime.date(2029, 12, 1))
    assert len(mail.outbox) == 3 and "2030-02-23" in mail.outbox[2].subject


def test_only_the_tightest_threshold_when_first_run_late(farm):
    run(TODAY + datetime.timedelta(days=70))  # 10 days left, no reminder sent before
    assert len(mail.outbox) == 1 and list(RenewalReminder.objects.values_list("days_before", flat=True)) == [30]


def test_not_due_expired_or_without_address(farm):
    run(TODAY - datetime.timedelta(days=30))  # 110 days left
    run(TODAY + datetime.timedelta(days=81))  # expired yesterday
    assert mail.outbox == []
    farm.producer.accounts.get(username="coop").delete()
    out = run()
    assert "0 sent, 0 already sent, 1 without an e-mail address" in out and mail.outbox == []


def test_failed_send_is_not_recorded_and_tried_again(farm, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    with pytest.raises(CommandError, match="tried again"):
        run()
    assert not RenewalReminder.objects.exists()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert "1 sent" in run()
    assert len(mail.outbox) == 1


def test_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="--date"):
        call_command("send_renewal_reminders", date="2026-13-01", stdout=io.StringIO(), stderr=io.StringIO())
