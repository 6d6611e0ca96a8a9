"""Tasks settings: only the shared ones (the center's time zone dates timesheets)."""
from servicekit.config import Settings


class TasksSettings(Settings):
    """Settings of the tasks service."""
