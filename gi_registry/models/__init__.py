"""The registry's models, one module per aggregate."""

from .authorisations import Authorisation
from .indications import GeographicalIndication
from .producers import Producer
from .reference import ProductFamily, Township
from .standards import Standard
from .trace import Batch, Scan, TraceCode, TraceEvent

__all__ = [
    "Authorisation",
    "Batch",
    "GeographicalIndication",
    "Producer",
    "ProductFamily",
    "Scan",
    "Standard",
    "Township",
    "TraceCode",
    "TraceEvent",
]
