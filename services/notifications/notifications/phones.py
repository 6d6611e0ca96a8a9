"""Phone numbers for SMS: validated and written in E.164 (+33612345678)."""
from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    """A number that cannot receive an SMS (unparseable, impossible, or not a mobile-capable number)."""


def to_e164(raw: str | None, region: str) -> str:
    """`raw` in E.164; a national number is read in `region` (e.g. FR: '06 12 34 56 78' -> '+33612345678')."""
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone("no phone number given")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"not a phone number: {exc}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"{text!r} is not a valid phone number")
    if phonenumbers.number_type(number) in (phonenumbers.PhoneNumberType.FIXED_LINE,
                                            phonenumbers.PhoneNumberType.TOLL_FREE,
                                            phonenumbers.PhoneNumberType.PREMIUM_RATE):
        raise InvalidPhone(f"{text!r} is a landline or service number; it cannot receive an SMS")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def sms_number(raw: str | None, region: str) -> str | None:
    """The E.164 form of `raw`, or None when it cannot receive an SMS."""
    try:
        return to_e164(raw, region)
    except InvalidPhone:
        return None
