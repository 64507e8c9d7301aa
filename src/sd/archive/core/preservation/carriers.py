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
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

from .atomic import atomic_writer
from .discs import DiscPlan

STATES = ("planned", "written", "verified", "stored", "failed", "retired")
#: the states in which a physical carrier may exist (burnt, read back, sent offline): a
#: destroyed record's copy on it waits for a person to destroy the carrier; ``planned`` is
#: an image not yet burnt (a rebuilt image), ``retired`` a carrier destroyed or replaced
PHYSICAL_STATES = ("written", "verified", "stored", "failed")


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
    image_path: str = ""  # the ISO image kept on disk ("" when gone)
    replaces: str = ""  # the carrier whose image this one's was rebuilt from (重制)
    superseded_by: str = ""  # the carrier whose image replaced this one's
    history: list = field(default_factory=list)  # what happened, why, which batch


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

    def register(
        self,
        disc: DiscPlan,
        *,
        location: str = "",
        image_sm3: str = "",
        image_path: str = "",
        state: str = "",
    ) -> CarrierRecord:
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
            state or ("written" if image_sm3 else "planned"),
            disc.first_code,
            disc.last_code,
            len(disc.archival_codes),
            image_sm3,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        rec.image_path = image_path
        self.carriers[rec.carrier_id] = rec
        return rec

    def physical(self, carrier_id: str) -> bool:
        """A physical carrier may exist (burnt, read back, stored offline); a carrier the
        register does not know is taken as burnt (nobody can say it was not)."""
        rec = self.carriers.get(carrier_id)
        return rec is None or rec.state in PHYSICAL_STATES

    def supersede(
        self,
        old_id: str,
        disc: DiscPlan,
        *,
        image_sm3: str,
        image_path: str,
        batch: str,
        reason: str,
        removed: list[str],
        old: DiscPlan | None = None,
    ) -> CarrierRecord:
        """The image of ``old_id`` rebuilt as ``disc`` without the ``removed`` AIPs (重制):
        the new carrier is registered ``planned`` (an image to burn) with its own SM3 and a
        history entry saying why and which batch; the old one points to it, its image is
        gone, and it stays in its state while a physical carrier may exist (else retired)."""
        when = datetime.now(UTC).isoformat(timespec="seconds")
        prev = self.carriers.get(old_id)
        if prev is None and old is not None:  # an image the register never knew
            prev = self.register(old, state="written")
        new = self.carriers.get(disc.carrier_id) or self.register(
            disc,
            location="",
            image_sm3=image_sm3,
            image_path=image_path,
            state="planned",
        )
        new.image_sm3, new.image_path, new.replaces = image_sm3, image_path, old_id
        entry = {"time": when, "batch": batch, "reason": reason, "removed": list(removed)}
        new.history.append({"event": "rebuilt", "from": old_id, **entry})
        if prev is not None:
            prev.superseded_by = disc.carrier_id
            prev.image_path = ""
            prev.history.append({"event": "superseded", "by": disc.carrier_id, **entry})
            if prev.state not in PHYSICAL_STATES:
                prev.state = "retired"
        return new

    def emptied(
        self, old_id: str, *, batch: str, reason: str, removed: list[str], old: DiscPlan | None
    ) -> CarrierRecord | None:
        """Every AIP of ``old_id``'s image destroyed: no new image; its image is gone, a
        history entry says why and which batch (once per batch)."""
        rec = self.carriers.get(old_id)
        if rec is None and old is not None:
            rec = self.register(old, state="written")
        if rec is None:
            return None
        rec.image_path = ""
        if rec.state not in PHYSICAL_STATES:
            rec.state = "retired"
        if not any(h.get("event") == "emptied" and h.get("batch") == batch for h in rec.history):
            rec.history.append(
                {
                    "time": datetime.now(UTC).isoformat(timespec="seconds"),
                    "event": "emptied",
                    "batch": batch,
                    "reason": reason,
                    "removed": list(removed),
                }
            )
        return rec

    def destroyed(self, carrier_id: str, *, batch: str, by: str, note: str = "") -> None:
        """A person confirmed the physical destruction of the carrier (实体销毁): retired."""
        rec = self.carriers.get(carrier_id)
        if rec is None:
            return
        rec.state = "retired"
        rec.history.append(
            {
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
                "event": "destroyed",
                "batch": batch,
                "by": by,
                "reason": note,
            }
        )

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
