"""CRM settings: only the shared ones so far."""
from servicekit.config import Settings


class CrmSettings(Settings):
    """Settings of the CRM service."""
