"""The registry's models, one module per aggregate (traceability's are in ``gi_registry.trace.models``)."""

from .authorisations import Authorisation, AuthorisationNumberSequence
from .indications import GeographicalIndication
from .producers import Producer, ProducerCollection, ProducerPhoto
from .reference import ProductFamily, Township
from .standards import Standard

__all__ = [
    "Authorisation",
    "AuthorisationNumberSequence",
    "GeographicalIndication",
    "Producer",
    "ProducerCollection",
    "ProducerPhoto",
    "ProductFamily",
    "Standard",
    "Township",
]
