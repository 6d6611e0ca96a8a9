"""python -m tasks.entrypoints.consumer"""
from servicekit.runner import run_consumer

from tasks.service import SPEC

if __name__ == "__main__":
    run_consumer(SPEC)
