"""Which strings the pages show and which of them the French catalogs translate.

    python -m web.catalog            # every string without a French translation, with where it is used
    python -m web.catalog --template # the same as .po entries to fill in (msgstr empty)

A unit test holds the rule: no string shown to a person is left untranslated in the French UI.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).parent
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def used_strings() -> dict[str, list[str]]:
    """msgid -> places (file:line) where the code or a template shows it."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE), METHODS, options_map={"**/templates/**.html": {"extensions": "jinja2.ext.do"}},
            keywords=KEYWORDS):
        for msgid in (message if isinstance(message, tuple) else (message,)):
            if msgid:
                found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def translated(locale: str = "fr") -> dict[str, str]:
    """msgid -> translation, over every catalog of `locale` (fuzzy entries do not count)."""
    known: dict[str, str] = {}
    for path in sorted((PACKAGE / "translations" / locale / "LC_MESSAGES").glob("*.po")):
        with open(path, "rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.string and not message.fuzzy:
                    ids = message.id if isinstance(message.id, tuple) else (message.id,)
                    for msgid in ids:
                        known[msgid] = message.string if isinstance(message.string, str) else message.string[0]
    return known


def missing(locale: str = "fr") -> dict[str, list[str]]:
    known = translated(locale)
    return {msgid: places for msgid, places in used_strings().items() if msgid not in known}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m web.catalog")
    parser.add_argument("--template", action="store_true", help="print .po entries to fill in")
    args = parser.parse_args()
    todo = missing()
    for msgid, places in sorted(todo.items(), key=lambda item: item[1][0]):
        if args.template:
            escaped = msgid.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            print(f"#: {' '.join(places[:3])}\nmsgid \"{escaped}\"\nmsgstr \"\"\n")
        else:
            print(f"{places[0]}: {msgid}")
    sys.exit(1 if todo else 0)


if __name__ == "__main__":
    main()
