from .changes import RegistryChange
from .epcis import CaptureJob, EpcisEvent, EpcisEventEpc
from .organisations import Organisation
from .tokens import ApiToken

__all__ = ["ApiToken", "CaptureJob", "EpcisEvent", "EpcisEventEpc", "Organisation", "RegistryChange"]
