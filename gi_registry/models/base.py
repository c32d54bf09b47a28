"""What every registry record shares: drafts, revisions, locking, moderation and a demo flag."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index

from .search_text import AdminSearchable


class RegistryRecord(
    AdminSearchable, WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, ClusterableModel
):
    """Abstract base of GIs, producers, authorisations and standards.

    Records are edited as drafts and go public only when published (directly by a registry
    officer, or through the moderation workflow); the public site shows ``live`` records only.
    """

    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Invented for demonstration; shown with a “demo” label on the public site."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    #: status → the statuses it may move to; a status change outside this map is refused.
    STATUS_TRANSITIONS: dict[str, set[str]] = {}

    class Meta:
        abstract = True

    def check_status_transition(self) -> None:
        """Refuse a status change that makes no sense (e.g. a revoked record becoming active)."""
        if not self.pk or not self.STATUS_TRANSITIONS:
            return
        previous = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if previous is None or previous == self.status:
            return
        if self.status not in self.STATUS_TRANSITIONS.get(previous, set()):
            labels = dict(self._meta.get_field("status").flatchoices)
            raise ValidationError(
                {
                    "status": _("The status cannot change from “%(old)s” to “%(new)s”.")
                    % {"old": labels.get(previous, previous), "new": labels.get(self.status)}
                }
            )


def revisions_relation(name: str) -> GenericRelation:
    """The generic relation Wagtail recommends so revisions are deleted with their record."""
    return GenericRelation("wagtailcore.Revision", related_query_name=name)


def workflow_states_relation(name: str) -> GenericRelation:
    return GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name=name,
        for_concrete_model=False,
    )
