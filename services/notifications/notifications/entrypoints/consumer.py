"""python -m notifications.entrypoints.consumer"""
from servicekit.runner import run_consumer

from notifications.service import SPEC

if __name__ == "__main__":
    run_consumer(SPEC)
