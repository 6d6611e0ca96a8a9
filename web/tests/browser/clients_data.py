"""Data for the client, opportunity and quotation tests, made through the public API (unique per test)."""
from __future__ import annotations

import datetime as dt
import email
import random
import re
import uuid
from dataclasses import dataclass
from email import policy
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import requests

from .api import Api, eventually  # noqa: F401 - the tests take them from here too


def sign_in_at(page, login, path: str) -> None:
    """Sign in through the form straight to `path` (not the role's home page: other areas stay out of the test)."""
    page.goto(f"/signin?next={quote(path)}")
    page.get_by_label(re.compile("^(E-mail|Adresse e-mail|Courriel)")).fill(login.email)
    page.get_by_label(re.compile("^(Password|Mot de passe)$")).fill(login.password)
    page.locator("[data-test=sign-in]").click()
    page.wait_for_url(re.compile(".*" + re.escape(path.split("?")[0]) + ".*"))


@dataclass
class Family:
    """A child and a guardian, unique to one test."""

    tag: str
    first_name: str
    last_name: str
    guardian_first: str
    guardian_last: str
    email: str
    phone: str
    client_id: str | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def child(self) -> dict[str, str]:
        return {"first_name": self.first_name, "last_name": self.last_name, "birth_date": "2019-05-14"}

    def guardian(self) -> dict[str, str]:
        return {"first_name": self.guardian_first, "last_name": self.guardian_last, "email": self.email,
                "phone": self.phone}


def new_family(first_name: str = "Inès") -> Family:
    """A family with names, e-mail and phone nobody else has."""
    tag = uuid.uuid4().hex[:8].replace("0", "x")
    digits = "".join(random.choice("123456789") for _ in range(8))
    return Family(tag, first_name, f"Martin{tag}", "Camille", f"Parent{tag}", f"camille-{tag}@example.org",
                  f"+33 6 {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}")


def register(api: Api, family: Family) -> Family:
    """The family on file at the front desk (POST /clients)."""
    created = api.post("clients", {**family.child(), "guardians": [family.guardian()]}, expect=201)
    family.client_id = created["id"]
    return family


def book(api: Api | None, system, family: Family, service_code: str = "OT") -> dict[str, Any]:
    """A session for the family: by the front desk for a family on file, else online (public, no login)."""
    body: dict[str, Any] = {"service_code": service_code, "client": family.child(), "guardian": family.guardian()}
    if family.client_id:
        body["client_id"] = family.client_id
    http = api.http if api else requests.Session()
    first = dt.date.today() + dt.timedelta(days=random.randint(3, 60))
    slots = http.get(f"{system.url}/api/v1/slots", params={"service_code": service_code, "from": first.isoformat(),
                                                          "to": (first + dt.timedelta(days=6)).isoformat()},
                     timeout=20).json()
    for slot in random.sample(slots, min(len(slots), 8)):
        answer = http.post(f"{system.url}/api/v1/appointments", timeout=20,
                           json={**body, "start": slot["start"], "therapist_id": slot["therapist_id"]})
        if answer.status_code == 201:
            return answer.json()
        assert answer.status_code == 409, answer.text  # taken meanwhile: try another slot
    raise AssertionError(f"no free {service_code} slot from {first}")


def opportunity_of(api: Api, appointment: dict[str, Any]) -> dict[str, Any]:
    """The opportunity crm opens from appointment.booked (within seconds)."""
    found = eventually(lambda: api.get("opportunities", appointment_id=appointment["id"]),
                       f"the opportunity of appointment {appointment['id']}")
    return found[0]


def price_item(api: Api, service_code: str, kind: str) -> dict[str, Any]:
    """The active single-session price or package of a service."""
    return next(p for p in api.get("price-list", service_code=service_code, active="true", limit=200)
                if p["kind"] == kind)


def signed_package(api: Api, opportunity: dict[str, Any]) -> dict[str, Any]:
    """A package quotation drafted, sent and signed through its link (as the family would)."""
    package = price_item(api, opportunity["service_code"], "package")
    body = {"opportunity_id": opportunity["id"],
            "lines": [{"service_code": package["service_code"], "quantity": 1, "price_item_id": package["id"]}]}
    # sales learns of the opportunity from crm's event: until then the draft is refused with a 422
    drafted = eventually(lambda: _created(api.call("POST", "quotations", json=body)), "sales to know the opportunity")
    sent = api.post(f"quotations/{drafted['id']}/send", {}, expect=200)
    token = re.search(r"access_token=([^&]+)", sent["share_url"]).group(1)
    answer = requests.post(f"{api.base}/quotations/{drafted['id']}/sign", params={"access_token": token},
                           json={"signer_name": "Camille Parent", "signature": "Camille Parent"}, timeout=20)
    assert answer.status_code == 200, answer.text
    return sent


def _created(answer: requests.Response) -> Any:
    if answer.status_code == 422:
        return None
    assert answer.status_code == 201, answer.text
    return answer.json()


def invoiced(api: Api, family: Family) -> dict[str, Any]:
    """An invoice for what the family owes (the signed package, once billing has it)."""
    eventually(lambda: api.get("billable-items", client_id=family.client_id, status="unbilled"),
               "billing to have the package to invoice")
    return api.post("invoices", {"client_id": family.client_id}, expect=201)


def mail_to(mail_dir: Path, address: str, subject_part: str = "") -> email.message.EmailMessage:
    """The e-mail the system sent to `address` (the SMTP catcher keeps each as an .eml file)."""
    def find():
        for path in sorted(mail_dir.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if address in str(message["To"]) and subject_part in str(message["Subject"]):
                return message
        return None

    return eventually(find, f"an e-mail to {address}", timeout=60)


def body_text(message: email.message.EmailMessage) -> str:
    """The plain-text body of an e-mail."""
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part else ""


PORTAL_PASSWORD = "our family password 2026"


def welcome_mails(mail_dir: Path, address: str) -> list[email.message.EmailMessage]:
    """The welcome e-mails sent to `address` so far, oldest first (the catcher names its files by time)."""
    found = (email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(mail_dir.glob("*.eml")))
    return [m for m in found if address in str(m["To"]) and "Welcome" in str(m["Subject"])]


def portal_login(system, address: str) -> SimpleNamespace:
    """The portal account of a guardian on file, activated from its welcome e-mail; its login."""
    desk = Api(system, "front_desk")
    account = eventually(lambda: desk.get("users", email=address), f"the portal account of {address}")[0]
    before = len(welcome_mails(system.mail_dir, address))  # an active client's guardian is invited on their own
    desk.post(f"users/{account['id']}/invitation", expect=201)  # and a new invitation ends the earlier links
    newest = eventually(lambda: welcome_mails(system.mail_dir, address)[before:], "the new welcome e-mail")[-1]
    token = re.search(r"/activate\?token=(\S+)", body_text(newest)).group(1)
    Api(system).post("auth/activate", {"token": token, "password": PORTAL_PASSWORD}, expect=200)
    return SimpleNamespace(email=address, password=PORTAL_PASSWORD)
