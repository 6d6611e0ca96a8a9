"""English and French: the person's choice, else their browser's, else CENTER_LOCALE; times in the centre's zone.

Catalogs are the `.po` files under translations/<locale>/LC_MESSAGES/ (one per area of the application),
compiled in memory once per process: no generated `.mo` file to build, ship or forget.
"""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from babel import Locale, support
from babel.numbers import NumberFormatError, parse_decimal
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request, session
from flask_babel import Babel, Domain, format_currency, format_date, format_datetime, format_time, get_locale

from web.config import LOCALES, WebSettings

TRANSLATIONS = Path(__file__).parent / "translations"


def load_catalogs(folder: Path, locale: str) -> support.Translations:
    """Every catalog of `locale` under `folder`, merged (fuzzy and untranslated entries fall back to English)."""
    merged = support.Translations()
    for path in sorted((folder / locale / "LC_MESSAGES").glob("*.po")):
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=locale)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        merged.merge(support.Translations(fp=compiled))
    return merged


class Catalogs(Domain):
    """Flask-Babel's domain, reading the .po catalogs (cached per process and locale)."""

    def __init__(self, folder: Path = TRANSLATIONS) -> None:
        super().__init__(translation_directories=[str(folder)])
        self.folder = folder
        self._loaded: dict[str, support.Translations] = {}

    def get_translations(self) -> support.Translations:  # type: ignore[override]
        locale = str(get_locale() or "en")
        if locale not in self._loaded:
            self._loaded[locale] = load_catalogs(self.folder, locale)
        return self._loaded[locale]


class WebBabel(Babel):
    """Babel with one Catalogs domain for the whole process (Flask-Babel builds a new Domain per request)."""

    catalogs = Catalogs()

    @property
    def domain_instance(self) -> Domain:  # type: ignore[override]
        return self.catalogs


def select_locale() -> str:
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    settings: WebSettings = current_app.extensions["web.settings"]
    return request.accept_languages.best_match(LOCALES) or settings.center_locale


def parse_time(value: Any) -> dt.datetime | None:
    """An API time (RFC 3339 string) as an aware datetime; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(current_tz()).date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    return parse_time(text).astimezone(current_tz()).date() if "T" in text else dt.date.fromisoformat(text)


def current_tz() -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(current_app.extensions["web.settings"].center_timezone)


def local_today() -> dt.date:
    """Today in the centre's time zone."""
    return dt.datetime.now(current_tz()).date()


def fmt_datetime(value: Any, style: str = "medium") -> str:
    moment = parse_time(value)
    return format_datetime(moment, "short" if style == "short" else "EEE d MMM y, HH:mm") if moment else ""


def fmt_date(value: Any, style: str = "medium") -> str:
    day = _date(value)
    return format_date(day, style) if day else ""


def fmt_time(value: Any) -> str:
    moment = parse_time(value)
    return format_time(moment, "HH:mm") if moment else ""


def api_amount(text: str | None, locale: str | None = None) -> str:
    """An amount as typed ("1 234,50", "1,234.50", "30,00") as the API's decimal string ("1234.50").

    Read strictly in the page's language first, then in the other languages of the site: "1,234" is 1234 on an
    English page and 1.234 on a French one, while "30,00" — no English amount — is read the French way wherever
    it is typed (a French-speaking receptionist on an English page). Babel's strict reading refuses what no
    language writes ("1.234,5" on either), rather than guessing; unreadable text goes as typed, so the API names
    what is wrong with it beside the field."""
    cleaned = "".join((text or "").split()).replace("\u202f", "")
    page = locale or str(get_locale() or "en")
    for language in (page, *(other for other in LOCALES if other != page)):
        try:
            return str(parse_decimal(cleaned, locale=language, strict=True))
        except NumberFormatError:
            continue
    return cleaned


def fmt_money(amount: Any, currency: str | None = None) -> str:
    """'120.00' EUR -> '€120.00' (en) or '120,00 €' (fr)."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    return format_currency(value, currency or current_app.extensions["web.settings"].currency)


def weekday_name(number: int, width: str = "wide") -> str:
    """0 = Monday, in the page's language."""
    return Locale.parse(str(get_locale() or "en")).days["format"][width][int(number)]


def install(app: Flask, settings: WebSettings) -> None:
    app.config.update(BABEL_DEFAULT_LOCALE=settings.center_locale, BABEL_DEFAULT_TIMEZONE=settings.center_timezone)
    WebBabel(app, locale_selector=select_locale, timezone_selector=lambda: settings.center_timezone)
    app.jinja_env.filters.update(datetime=fmt_datetime, date=fmt_date, time=fmt_time, money=fmt_money,
                                 weekday=weekday_name)
    app.jinja_env.globals.update(current_locale=lambda: str(get_locale() or "en"), locales=LOCALES)
