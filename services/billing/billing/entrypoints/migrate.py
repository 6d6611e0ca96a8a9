"""python -m billing.entrypoints.migrate"""
from servicekit.runner import migrate

from billing.service import SPEC

if __name__ == "__main__":
    migrate(SPEC)
