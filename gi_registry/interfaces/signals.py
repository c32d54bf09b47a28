"""Signals of the interfaces app.

``change_recorded`` is sent (``sender=RegistryChange``, ``change=<RegistryChange>``) once a
registry change has been stored and its transaction committed; webhooks subscribe to it.
"""

from django.dispatch import Signal

change_recorded = Signal()
