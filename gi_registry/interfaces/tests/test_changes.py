"""Recording the registry's public changes (interfaces/changes.py): each kind once, never a draft,
the signal after commit only."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from gi_registry.factories import AuthorisationFactory, GeographicalIndicationFactory, ProducerFactory, StandardFactory
from gi_registry.interfaces import changes
from gi_registry.interfaces.models import RegistryChange
from gi_registry.interfaces.signals import change_recorded
from gi_registry.models import Authorisation, GeographicalIndication, Standard
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.models import Batch

pytestmark = pytest.mark.django_db
Kind = RegistryChange.Kind
GI = GeographicalIndication


def publish(obj):
    """What an officer's "publish" does: a new revision of the edited record, made live."""
    revision = obj.save_revision()
    revision.publish()
    obj.refresh_from_db()
    return obj


def kinds():
    return list(RegistryChange.objects.order_by("occurred_at", "recorded_at").values_list("kind", flat=True))


def applied_gi(**extra):
    return GeographicalIndicationFactory(status=GI.Status.APPLIED, live=False, **extra)


def test_a_gi_registered_on_publish_is_recorded_once_with_its_public_fields():
    gi = applied_gi(name="梁平测试柚", name_en="Liangping Test Pomelo")
    publish(gi)  # published while applied: nothing the feeds tell
    assert kinds() == []
    gi.status = GI.Status.REGISTERED
    publish(gi)
    change = RegistryChange.objects.get()
    assert change.kind == Kind.GI_REGISTERED
    assert change.title == "地理标志登记：梁平测试柚"
    assert change.title_en == "GI registered: Liangping Test Pomelo"
    assert change.url == f"/gi/{gi.slug}/"
    assert change.geographical_indication == gi and change.product_family == gi.product_family
    assert change.payload["registration_number"] == gi.registration_number
    assert change.payload["status"] == "registered"
    assert change.payload["demo"] is False

    publish(gi)  # published again, unchanged: nothing new
    assert kinds() == [Kind.GI_REGISTERED]


def test_a_draft_records_nothing():
    gi = publish(applied_gi())
    gi.status = GI.Status.REGISTERED
    gi.holder = "草稿中的持有人"
    gi.save_revision()  # saved as a draft, or submitted to moderation: not public
    assert kinds() == []
    auth = AuthorisationFactory(live=False)
    auth.save_revision()
    standard = StandardFactory(live=False)
    standard.save_revision()
    assert kinds() == []


def test_suspended_then_changed_then_unpublished():
    gi = publish(applied_gi())
    gi.status = GI.Status.REGISTERED
    publish(gi)
    gi.status = GI.Status.SUSPENDED
    publish(gi)
    gi.holder = "梁平区柚子协会"
    publish(gi)
    gi.summary = gi.summary  # a publish that changes nothing public
    publish(gi)
    assert kinds() == [Kind.GI_REGISTERED, Kind.GI_SUSPENDED, Kind.GI_CHANGED]
    changed = RegistryChange.objects.get(kind=Kind.GI_CHANGED)
    assert changed.payload["changed"] == ["holder"]
    assert changed.payload["holder"] == "梁平区柚子协会"

    gi.unpublish()
    unpublished = RegistryChange.objects.filter(kind=Kind.GI_CHANGED).order_by("-occurred_at").first()
    assert unpublished.payload["published"] is False
    assert kinds().count(Kind.GI_CHANGED) == 2


def test_a_registered_gi_edited_in_draft_then_published_records_what_the_public_sees():
    gi = publish(applied_gi())
    gi.status = GI.Status.REGISTERED
    publish(gi)
    gi.holder = "先存草稿"
    gi.save_revision()
    assert kinds() == [Kind.GI_REGISTERED]
    gi.refresh_from_db()
    assert gi.holder != "先存草稿"  # the live row keeps the public value
    revision = gi.latest_revision
    revision.publish()  # the moderator publishes the draft as it was saved
    change = RegistryChange.objects.get(kind=Kind.GI_CHANGED)
    assert change.payload["holder"] == "先存草稿" and change.payload["changed"] == ["holder"]


def test_authorisation_granted_then_revoked():
    auth = AuthorisationFactory(live=False, number="LPGI-2026-00042")
    publish(auth)
    auth.status = Authorisation.Status.REVOKED
    publish(auth)
    assert kinds() == [Kind.AUTHORISATION_GRANTED, Kind.AUTHORISATION_REVOKED]
    granted = RegistryChange.objects.get(kind=Kind.AUTHORISATION_GRANTED)
    assert auth.number in granted.title and auth.producer.name in granted.title
    assert granted.url == auth.producer.get_absolute_url()
    assert granted.payload["producer"]["credit_code"] == auth.producer.credit_code
    assert granted.geographical_indication == auth.geographical_indication


def test_an_authorisation_of_an_unpublished_producer_is_not_granted_publicly():
    auth = AuthorisationFactory(live=False, producer=ProducerFactory(live=False))
    publish(auth)
    assert kinds() == []


def test_expiry_is_recorded_once_by_the_command_and_again_after_a_renewal(capsys):
    today = timezone.localdate()
    auth = AuthorisationFactory(
        valid_from=today - datetime.timedelta(days=400), valid_until=today - datetime.timedelta(days=2)
    )
    AuthorisationFactory(valid_until=today + datetime.timedelta(days=30))  # still running
    AuthorisationFactory(  # not public: its producer is a draft
        valid_until=today - datetime.timedelta(days=2), producer=ProducerFactory(live=False)
    )
    call_command("record_expired_authorisations")
    assert "1 recorded, 0 already recorded" in capsys.readouterr().out
    call_command("record_expired_authorisations")
    assert "0 recorded, 1 already recorded" in capsys.readouterr().out
    change = RegistryChange.objects.get()
    assert change.kind == Kind.AUTHORISATION_EXPIRED and change.subject_id == str(auth.pk)
    assert timezone.localtime(change.occurred_at).date() == today - datetime.timedelta(days=1)

    # renewed, then lapsed again: a new expiry
    Authorisation.objects.filter(pk=auth.pk).update(valid_until=today - datetime.timedelta(days=1))
    assert changes.record_expired_authorisations().recorded == 1
    # an officer setting the status to expired for the same end date adds nothing
    auth.refresh_from_db()
    auth.status = Authorisation.Status.EXPIRED
    publish(auth)
    assert kinds().count(Kind.AUTHORISATION_EXPIRED) == 2


def test_the_expiry_task_runs_the_same_recording():
    today = timezone.localdate()
    AuthorisationFactory(valid_until=today - datetime.timedelta(days=3))
    result = changes.record_expired_task.enqueue()  # the tests' background backend runs it at once
    assert result.return_value == {"recorded": 1, "already": 0}
    assert kinds() == [Kind.AUTHORISATION_EXPIRED]


def test_standards_issued_and_superseded():
    old = StandardFactory(live=False, code="DB50/T 1200-2020", title="梁平柚生产技术规程")
    new = StandardFactory(live=False, code="DB50/T 1200-2026", title="梁平柚生产技术规程")
    gi = GeographicalIndicationFactory()
    old.geographical_indications.set([gi])
    publish(old)
    publish(new)
    old.status = Standard.Status.SUPERSEDED
    old.replaced_by = new
    publish(old)
    assert kinds() == [Kind.STANDARD_ISSUED, Kind.STANDARD_ISSUED, Kind.STANDARD_SUPERSEDED]
    superseded = RegistryChange.objects.get(kind=Kind.STANDARD_SUPERSEDED)
    assert superseded.title == "标准被替代：DB50/T 1200-2020 梁平柚生产技术规程"
    assert superseded.payload["replaced_by"] == "DB50/T 1200-2026"
    assert superseded.geographical_indication == gi and superseded.product_family == gi.product_family
    assert superseded.url == old.get_absolute_url()


@pytest.mark.parametrize(("status", "kind"), [("withdrawn", Kind.BATCH_WITHDRAWN), ("recalled", Kind.BATCH_RECALLED)])
def test_a_batch_withdrawn_or_recalled_is_recorded_once(status, kind):
    batch = BatchFactory(lot_number="CX2610-09")
    batch.withdraw(status, "抽检不合格")
    withdrawn_at = Batch.objects.get(pk=batch.pk).status_changed_at
    batch.withdraw(status, "抽检不合格")  # again (a double click): nothing new
    change = RegistryChange.objects.get()
    assert change.kind == kind
    assert "CX2610-09" in change.title and batch.producer.name in change.title
    assert change.payload["reason"] == "抽检不合格" and change.payload["status"] == status
    assert change.occurred_at == withdrawn_at
    assert change.geographical_indication == batch.authorisation.geographical_indication


def test_recording_the_same_happening_twice_stores_one_change():
    batch = BatchFactory()
    batch.withdraw()
    assert changes.record_batch_withdrawal(batch) is None
    assert RegistryChange.objects.count() == 1


def test_demo_records_make_demo_changes():
    batch = BatchFactory(is_demo=True)
    batch.withdraw()
    assert RegistryChange.objects.get().payload["demo"] is True


@pytest.fixture
def received():
    got = []

    def receiver(sender, change, **kwargs):
        got.append((change.kind, RegistryChange.objects.filter(pk=change.pk).exists()))

    change_recorded.connect(receiver, dispatch_uid="test-change-recorded")
    yield got
    change_recorded.disconnect(dispatch_uid="test-change-recorded")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_signal_goes_out_after_the_commit(received):
    batch = BatchFactory()
    with transaction.atomic():
        batch.withdraw(Batch.Status.RECALLED, "召回")
        assert received == []  # not while the transaction may still roll back
    assert received == [(Kind.BATCH_RECALLED, True)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_signal_and_no_change_when_the_transaction_rolls_back(received):
    batch = BatchFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        batch.withdraw(Batch.Status.RECALLED, "召回")
        raise RuntimeError("the admin's save failed after the withdrawal")
    assert received == []
    assert not RegistryChange.objects.exists()
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.ACTIVE


def test_the_daily_expiry_run_is_queued_once_and_the_worker_records_and_requeues(queued_tasks, run_task_worker, capsys):
    from django_tasks_db.models import DBTaskResult

    today = timezone.localdate()
    AuthorisationFactory(valid_until=today - datetime.timedelta(days=1))
    call_command("record_expired_authorisations", "--enqueue")
    assert "a run is queued now" in capsys.readouterr().out
    call_command("record_expired_authorisations", "--enqueue")
    assert "already waiting; nothing added" in capsys.readouterr().out
    assert DBTaskResult.objects.filter(task_path=changes.record_expired_task.module_path).count() == 1
    assert kinds() == []  # not in this process: the worker records it

    run_task_worker()
    assert kinds() == [Kind.AUTHORISATION_EXPIRED]
    waiting = changes.waiting_daily_run()  # tomorrow's run, at 00:10 Beijing time
    assert waiting is not None and timezone.localtime(waiting.run_after).time() == changes.DAILY_AT
