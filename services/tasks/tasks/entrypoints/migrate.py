"""python -m tasks.entrypoints.migrate"""
from servicekit.runner import migrate

from tasks.service import SPEC

if __name__ == "__main__":
    migrate(SPEC)
