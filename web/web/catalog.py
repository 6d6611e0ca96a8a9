"""Which strings the pages show and which of them the French catalogs translate.

    python -m web.catalog            # every string without a French translation, with where it is used
    python -m web.catalog --template # the same as .po entries to fill in (msgstr empty)
    python -m web.catalog --conflicts # one English string translated differently by two catalogs

The catalogs of all areas are merged at run time, so an English word two areas translate differently ("Booked"
as an appointment's status and as a column of tasks) must carry a context (`pgettext("appointment status",
"Booked")`) — otherwise one area would show the other's word. Unit tests hold both rules at zero.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).parent
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
Key = tuple[str | None, str]  # (context, English text)


def used_strings() -> dict[Key, list[str]]:
    """(context, msgid) -> places (file:line) where the code or a template shows it."""
    found: dict[Key, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(PACKAGE), METHODS, options_map={"**/templates/**.html": {"extensions": "jinja2.ext.do"}},
            keywords=KEYWORDS):
        for msgid in (message if isinstance(message, tuple) else (message,)):
            if msgid:
                found.setdefault((context, msgid), []).append(f"{filename}:{lineno}")
    return found


def catalogs(locale: str = "fr") -> dict[str, dict[Key, str]]:
    """catalog file name -> {(context, msgid): translation} (fuzzy entries do not count)."""
    result: dict[str, dict[Key, str]] = {}
    for path in sorted((PACKAGE / "translations" / locale / "LC_MESSAGES").glob("*.po")):
        entries: dict[Key, str] = {}
        with open(path, "rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.string and not message.fuzzy:
                    ids = message.id if isinstance(message.id, tuple) else (message.id,)
                    text = message.string if isinstance(message.string, str) else message.string[0]
                    for msgid in ids:
                        entries[(message.context, msgid)] = text
        result[path.name] = entries
    return result


def translated(locale: str = "fr") -> dict[Key, str]:
    """(context, msgid) -> translation, over every catalog of `locale`."""
    known: dict[Key, str] = {}
    for entries in catalogs(locale).values():
        known.update(entries)
    return known


def missing(locale: str = "fr") -> dict[Key, list[str]]:
    known = translated(locale)
    return {key: places for key, places in used_strings().items() if key not in known}


def conflicts(locale: str = "fr") -> dict[Key, dict[str, str]]:
    """(context, msgid) -> {catalog: translation} where catalogs disagree."""
    seen: dict[Key, dict[str, str]] = {}
    for name, entries in catalogs(locale).items():
        for key, text in entries.items():
            seen.setdefault(key, {})[name] = text
    return {key: where for key, where in seen.items() if len(set(where.values())) > 1}


SERVICE_MESSAGES = "api.po"  # the services' own messages, looked up at run time (web.forms.api_message)


def misplaced(locale: str = "fr") -> dict[str, list[Key]]:
    """Entries in the wrong catalog: an area catalog's entry no page shows, or a page's string in api.po."""
    used, found = set(used_strings()), {}
    for name, entries in catalogs(locale).items():
        wrong = [key for key in entries if (key in used) == (name == SERVICE_MESSAGES)]
        if wrong:
            found[name] = wrong
    return found


def _label(key: Key) -> str:
    context, msgid = key
    return f"[{context}] {msgid}" if context else msgid


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m web.catalog")
    parser.add_argument("--template", action="store_true", help="print .po entries to fill in")
    parser.add_argument("--conflicts", action="store_true", help="list strings translated differently")
    args = parser.parse_args()
    if args.conflicts:
        found = conflicts()
        for key, where in sorted(found.items(), key=lambda item: item[0][1]):
            print(f"{_label(key)}: " + "; ".join(f"{name}={text!r}" for name, text in where.items()))
        sys.exit(1 if found else 0)
    todo = missing()
    for (context, msgid), places in sorted(todo.items(), key=lambda item: item[1][0]):
        if args.template:
            escaped = msgid.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            ctx = f'msgctxt "{context}"\n' if context else ""
            print(f"#: {' '.join(places[:3])}\n{ctx}msgid \"{escaped}\"\nmsgstr \"\"\n")
        else:
            print(f"{places[0]}: {_label((context, msgid))}")
    sys.exit(1 if todo else 0)


if __name__ == "__main__":
    main()
