"""Carrier register (载体登记): every burnt disc or tape with its batch, place and state.

Stored as one JSON file, replaced atomically. Read-back campaigns pick a reproducible sample
of carriers (e.g. ≥ 40 % every 4 years) that a person then reads back and confirms.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

from .atomic import atomic_writer
from .discs import DiscPlan

STATES = ("planned", "written", "verified", "stored", "failed", "retired")


@dataclass
class CarrierRecord:
    """One carrier (载体): 载体编号, batch, set, 存放位置, state, last read-back."""

    carrier_id: str
    batch: str
    set_name: str
    carrier_type: str
    location: str = ""
    state: str = "planned"
    first_code: str = ""
    last_code: str = ""
    count: int = 0
    image_sm3: str = ""
    created: str = ""
    last_read_back: str = ""
    last_read_back_ok: bool | None = None


class CarrierRegister:
    """The register file (载体登记簿)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.carriers: dict[str, CarrierRecord] = {}
        if self.path.exists():
            for row in json.loads(self.path.read_text("utf-8")):
                self.carriers[row["carrier_id"]] = CarrierRecord(**row)

    def save(self) -> None:
        data = json.dumps([asdict(c) for c in self.carriers.values()], ensure_ascii=False, indent=1)
        with atomic_writer(self.path) as f:
            f.write(data.encode("utf-8"))

    def register(self, disc: DiscPlan, *, location: str = "", image_sm3: str = "") -> CarrierRecord:
        if disc.carrier_id in self.carriers:
            raise ArchiveError(
                "carrier registered already",
                [Problem("CARRIER-EXISTS", "duplicate 载体编号", disc.carrier_id)],
                409,
                "Conflict",
            )
        rec = CarrierRecord(
            disc.carrier_id,
            disc.batch,
            disc.set_name,
            disc.carrier_type,
            location,
            "written" if image_sm3 else "planned",
            disc.first_code,
            disc.last_code,
            len(disc.archival_codes),
            image_sm3,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self.carriers[rec.carrier_id] = rec
        return rec

    def set_state(
        self, carrier_id: str, state: str, *, location: str | None = None
    ) -> CarrierRecord:
        if state not in STATES:
            raise ArchiveError(
                "unknown carrier state",
                [Problem("CARRIER-STATE", f"one of {', '.join(STATES)}", state)],
            )
        rec = self._get(carrier_id)
        rec.state = state
        if location is not None:
            rec.location = location
        return rec

    def record_read_back(
        self, carrier_id: str, ok: bool, when: datetime | None = None
    ) -> CarrierRecord:
        """A person confirmed a read-back (回读确认)."""
        rec = self._get(carrier_id)
        rec.last_read_back = (when or datetime.now(UTC)).isoformat(timespec="seconds")
        rec.last_read_back_ok = ok
        if ok and rec.state in ("planned", "written"):
            rec.state = "verified"
        if not ok:
            rec.state = "failed"
        return rec

    def read_back_sample(self, fraction: float = 0.4, seed: int | str = 0) -> list[str]:
        """A reproducible sample of carriers in use to read back in this campaign."""
        active = sorted(
            c.carrier_id
            for c in self.carriers.values()
            if c.state in ("verified", "stored", "written")
        )
        if not active:
            return []
        k = max(1, -(-len(active) * int(round(fraction * 1000)) // 1000))
        return sorted(random.Random(seed).sample(active, min(k, len(active))))

    def _get(self, carrier_id: str) -> CarrierRecord:
        try:
            return self.carriers[carrier_id]
        except KeyError:
            raise ArchiveError(
                "unknown carrier",
                [Problem("CARRIER-UNKNOWN", "not registered", carrier_id)],
                404,
                "NotFound",
            ) from None
