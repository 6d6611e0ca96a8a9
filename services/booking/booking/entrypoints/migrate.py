"""python -m booking.entrypoints.migrate"""
from servicekit.runner import migrate

from booking.service import SPEC

if __name__ == "__main__":
    migrate(SPEC)
