"""Renewal reminders as a background task (``reminders.send_reminders_task``), run by the real
``db_worker`` over the database queue: ``send_renewal_reminders --enqueue`` queues a run, the worker
mails the producer's accounts and queues the next day's run at 08:00 Beijing time; enqueueing again
adds nothing while a run waits, and a second run the same day sends nothing more."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from gi_registry.factories import AuthorisationFactory, ProducerFactory, make_user
from gi_registry.setup import PRODUCERS
from gi_registry.trace import reminders
from gi_registry.trace.models import RenewalReminder

pytestmark = pytest.mark.django_db

TASK = reminders.send_reminders_task.module_path


@pytest.fixture
def expiring(settings):
    """A cooperative whose authorisation expires in 25 days (the 30-day reminder), with an account
    that has an e-mail address; another producer's authorisation expires in a year."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    producer = ProducerFactory(name="梁平区礼让镇川西柚子专业合作社")
    producer.accounts.add(make_user("coop", PRODUCERS, email="coop@example.invalid"))
    producer.save()
    today = timezone.localdate()
    auth = AuthorisationFactory(
        producer=producer, number="LPGI-2026-00012", valid_until=today + datetime.timedelta(days=25)
    )
    other = ProducerFactory()
    other.accounts.add(make_user("other", PRODUCERS, email="other@example.invalid"))
    other.save()
    AuthorisationFactory(producer=other, valid_until=today + datetime.timedelta(days=365))
    return auth


def enqueue() -> str:
    out = io.StringIO()
    call_command("send_renewal_reminders", enqueue=True, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def waiting():
    return DBTaskResult.objects.filter(task_path=TASK, status=TaskResultStatus.READY)


def test_the_worker_sends_the_reminders_and_queues_tomorrows_run(expiring, queued_tasks, run_task_worker):
    assert "queued now" in enqueue()
    assert waiting().count() == 1 and not mail.outbox  # nothing sent before the worker runs
    assert "already waiting" in enqueue() and waiting().count() == 1  # the command adds no second run

    run_task_worker()
    assert [m.to for m in mail.outbox] == [["coop@example.invalid"]]
    assert "LPGI-2026-00012" in mail.outbox[0].subject and "25 天" in mail.outbox[0].body
    assert RenewalReminder.objects.get().days_before == 30
    done = DBTaskResult.objects.get(task_path=TASK, status=TaskResultStatus.SUCCESSFUL)
    assert done.return_value == {"sent": 1, "already_sent": 0, "no_address": 0, "failed": 0}

    # the next run waits for tomorrow at 08:00 Beijing time (the worker's one pass did not run it)
    next_run = waiting().get()
    local = timezone.localtime(next_run.run_after)
    assert (local.hour, local.minute) == (8, 0)
    assert timezone.now() < next_run.run_after <= timezone.now() + datetime.timedelta(days=1)
    assert "already waiting" in enqueue() and waiting().count() == 1


def test_a_second_run_the_same_day_sends_nothing_and_keeps_one_daily_run(expiring, queued_tasks, run_task_worker):
    enqueue()
    run_task_worker()
    assert len(mail.outbox) == 1
    reminders.send_reminders_task.enqueue()  # run again now, e.g. a worker restarted by hand
    run_task_worker()
    assert len(mail.outbox) == 1 and RenewalReminder.objects.count() == 1
    results = DBTaskResult.objects.filter(task_path=TASK, status=TaskResultStatus.SUCCESSFUL)
    assert sorted(r.return_value["already_sent"] for r in results) == [0, 1]
    assert waiting().count() == 1  # still one run waiting for tomorrow, not two


def test_next_daily_run_is_the_next_eight_oclock_in_beijing():
    tz = timezone.get_default_timezone()
    before = datetime.datetime(2026, 12, 5, 7, 59, tzinfo=tz)
    after = datetime.datetime(2026, 12, 5, 8, 0, tzinfo=tz)
    assert reminders.next_daily_run(before) == datetime.datetime(2026, 12, 5, 8, 0, tzinfo=tz)
    assert reminders.next_daily_run(after) == datetime.datetime(2026, 12, 6, 8, 0, tzinfo=tz)


def test_enqueue_refuses_a_backend_that_cannot_wait(expiring):
    """The test settings' immediate backend runs a task at once: no daily run can wait there."""
    with pytest.raises(CommandError, match="db_worker"):
        enqueue()
    assert not mail.outbox


def test_the_command_still_sends_at_once(expiring):
    out = io.StringIO()
    call_command("send_renewal_reminders", stdout=out, stderr=io.StringIO())
    assert "1 sent" in out.getvalue() and len(mail.outbox) == 1
