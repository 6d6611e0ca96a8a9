"""The JSON envelope every event travels in (DESIGN.md section 3)."""
from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import asdict, dataclass
from typing import Any

REQUIRED = ("id", "type", "version", "occurred_at", "producer", "correlation_id", "data")


class PoisonMessage(Exception):
    """A message that can never be processed (unparseable, unknown type or version): dead-letter it."""


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    version: int
    occurred_at: str
    producer: str
    correlation_id: str
    causation_id: str | None
    data: dict[str, Any]

    @classmethod
    def new(cls, event_type: str, data: dict[str, Any], *, producer: str, correlation_id: str,
            causation_id: str | None = None, version: int = 1) -> "Envelope":
        occurred = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")
        return cls(str(uuid.uuid4()), event_type, version, occurred, producer, correlation_id, causation_id, data)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_body(cls, body: bytes) -> "Envelope":
        """Parse and check a message body; anything malformed is poison."""
        try:
            raw = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PoisonMessage(f"body is not UTF-8 JSON: {exc}") from exc
        if not isinstance(raw, dict):
            raise PoisonMessage("body is not a JSON object")
        missing = [k for k in REQUIRED if k not in raw]
        if missing:
            raise PoisonMessage(f"envelope lacks {', '.join(missing)}")
        if not isinstance(raw["data"], dict) or not isinstance(raw["version"], int):
            raise PoisonMessage("envelope 'data' must be an object and 'version' an integer")
        return cls(str(raw["id"]), str(raw["type"]), raw["version"], str(raw["occurred_at"]),
                   str(raw["producer"]), str(raw["correlation_id"]), raw.get("causation_id"), raw["data"])
