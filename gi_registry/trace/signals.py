"""Signals of traceability, for the apps above it (which traceability never imports).

``batch_withdrawn`` is sent (``sender=Batch``, ``batch=<Batch>``) by ``Batch.withdraw`` once the
batch and its codes are marked withdrawn or recalled, inside that transaction: the change feeds
(``gi_registry.interfaces.changes``) record it.
"""

from django.dispatch import Signal

batch_withdrawn = Signal()
