"""From the repository root, `import web` finds this folder before the installed package: hand over to it.

Without this file the folder would become a namespace package without `__file__` (breaking Flask's root path
and the migrations' location) whenever the root is on sys.path (`python -m ...`, pytest's rootdir).
"""
import os as _os

__path__ = [_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "web")]
__file__ = _os.path.join(__path__[0], "__init__.py")
