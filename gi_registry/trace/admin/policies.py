"""Who may see and change batches and trace events in the admin: a producer account only its own
producers' records (``ProducerOwnedPolicy``). Registered with Wagtail once, when this module is
first imported."""

from wagtail.permissions import register_permission_policy

from gi_registry.permissions import ProducerOwnedPolicy

from ..models import Batch, TraceEvent

batch_policy = ProducerOwnedPolicy(Batch, "producer")
event_policy = ProducerOwnedPolicy(TraceEvent, "batch__producer")
register_permission_policy(Batch, batch_policy)
register_permission_policy(TraceEvent, event_policy)
