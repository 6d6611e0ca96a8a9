"""The demo center, created through the public API exactly as an administrator would (idempotent)."""
from __future__ import annotations

from dataclasses import dataclass

import requests

DEMO_PASSWORD = "therapy-demo-2026"
WEEKDAYS_9_TO_5 = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]

SERVICE_TYPES = [
    {"code": "OT", "name": "Occupational Therapy", "duration_minutes": 60},
    {"code": "ST", "name": "Speech Therapy", "duration_minutes": 60},
    {"code": "PT", "name": "Physiotherapy", "duration_minutes": 60},
]
THERAPISTS = [
    {"name": "Amélie Laurent", "email": "amelie@sunnysteps.example", "service_codes": ["OT"]},
    {"name": "Samuel Okafor", "email": "samuel@sunnysteps.example", "service_codes": ["ST"]},
    {"name": "Julia Novak", "email": "julia@sunnysteps.example", "service_codes": ["PT"]},
]
STAFF = [
    {"email": "frontdesk@sunnysteps.example", "name": "Fatima Desk", "role": "front_desk"},
    {"email": "biller@sunnysteps.example", "name": "Bruno Biller", "role": "biller"},
    {"email": "office@sunnysteps.example", "name": "Odile Office", "role": "admin"},  # the office manager
]
# (single session price, 10-session package price) per service
PRICES = {"OT": ("80.00", "720.00"), "ST": ("75.00", "675.00"), "PT": ("70.00", "630.00")}


@dataclass
class Login:
    role: str
    email: str
    password: str


class Api:
    """The public API as one person (signed in with `email`), or as an anonymous visitor without one."""

    def __init__(self, base_url: str, email: str | None = None, password: str | None = None) -> None:
        self.base = base_url.rstrip("/") + "/api/v1"
        self.session = requests.Session()
        if email is not None:
            resp = self.session.post(f"{self.base}/auth/login", json={"email": email, "password": password},
                                     timeout=10)
            resp.raise_for_status()
            self.session.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """One call, whatever its answer (the caller decides what a 4xx means)."""
        return self.session.request(method, f"{self.base}{path}", timeout=15, **kwargs)

    def get(self, path: str, **params) -> list | dict:
        resp = self.session.get(f"{self.base}{path}", params={"limit": 200, **params}, timeout=10)
        resp.raise_for_status()
        return resp.json()

    def post(self, path: str, body: dict, **params) -> dict:
        resp = self.request("POST", path, json=body, params=params or None)
        if resp.status_code >= 400:
            raise RuntimeError(f"POST {path} failed: {resp.status_code} {resp.text}")
        return resp.json()


def seed(base_url: str, admin_email: str, admin_password: str) -> list[Login]:
    """Create what is missing; returns the demo logins."""
    api = Api(base_url, admin_email, admin_password)
    known_codes = {t["code"] for t in api.get("/service-types")}
    for service_type in SERVICE_TYPES:
        if service_type["code"] not in known_codes:
            api.post("/service-types", service_type)
    therapists = {t["name"]: t for t in api.get("/therapists")}
    users = {u["email"]: u for u in api.get("/users")}
    logins = [Login("org_admin", admin_email, admin_password)]
    for spec in THERAPISTS:
        therapist = therapists.get(spec["name"]) or api.post(
            "/therapists", {**spec, "working_hours": WEEKDAYS_9_TO_5})
        if spec["email"] not in users:
            api.post("/users", {"email": spec["email"], "name": spec["name"], "role": "therapist",
                                "password": DEMO_PASSWORD, "therapist_id": therapist["id"]})
        logins.append(Login("therapist", spec["email"], DEMO_PASSWORD))
    for person in STAFF:
        if person["email"] not in users:
            api.post("/users", {**person, "password": DEMO_PASSWORD})
        logins.append(Login(person["role"], person["email"], DEMO_PASSWORD))
    priced = {(p["service_code"], p["kind"]) for p in api.get("/price-list")}
    names = {t["code"]: t["name"] for t in SERVICE_TYPES}
    for code, (single, package) in PRICES.items():
        for kind, name, sessions, price in (("single", "Single session", 1, single),
                                            ("package", "10-session package", 10, package)):
            if (code, kind) not in priced:
                api.post("/price-list", {"service_code": code, "service_name": names[code], "name": name,
                                         "kind": kind, "sessions": sessions, "unit_price": price})
    return logins
