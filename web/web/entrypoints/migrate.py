"""python -m web.entrypoints.migrate"""
from servicekit.runner import migrate

from web.service import SPEC

if __name__ == "__main__":
    migrate(SPEC)
