"""The registry's models, one module per aggregate."""

from .authorisations import Authorisation
from .indications import GeographicalIndication
from .producers import Producer
from .reference import ProductFamily, Township
from .standards import Standard
from .trace import Batch, LabelJob, Scan, ScanJournalSegment, TraceCode, TraceEvent

__all__ = [
    "Authorisation",
    "Batch",
    "GeographicalIndication",
    "LabelJob",
    "Producer",
    "ProductFamily",
    "Scan",
    "ScanJournalSegment",
    "Standard",
    "Township",
    "TraceCode",
    "TraceEvent",
]
