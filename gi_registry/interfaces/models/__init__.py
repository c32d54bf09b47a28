from .changes import RegistryChange
from .epcis import CaptureJob, EpcisEvent, EpcisEventEpc
from .organisations import Organisation
from .tokens import ApiToken

# webhooks
from .webhooks import Delivery, DeliveryAttempt, Subscription

__all__ = ["ApiToken", "CaptureJob", "EpcisEvent", "EpcisEventEpc", "Organisation", "RegistryChange"]
__all__ += ["Delivery", "DeliveryAttempt", "Subscription"]  # webhooks
