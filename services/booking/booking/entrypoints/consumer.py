"""python -m booking.entrypoints.consumer"""
from servicekit.runner import run_consumer

from booking.service import SPEC

if __name__ == "__main__":
    run_consumer(SPEC)
