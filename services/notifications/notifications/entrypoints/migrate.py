"""python -m notifications.entrypoints.migrate"""
from servicekit.runner import migrate

from notifications.service import SPEC

if __name__ == "__main__":
    migrate(SPEC)
