from .changes import RegistryChange
from .organisations import Organisation

__all__ = ["Organisation", "RegistryChange"]
