"""Disc batching (组盘): plan disc images of AIPs, with 说明文件 and digest manifest.

Records are never split: all versions of a record's AIPs go on the same disc. Discs are
filled in fonds/year/archival code order up to ``fill`` (≤ 95 %) of the capacity. Two sets are
planned with the same content partition (disc A-n mirrors B-n) but from different media batches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from itertools import groupby

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

from .hashing import sm3_bytes

SECTOR = 2048
#: usable bytes of archival BD-R media (12,219,392 / 24,438,784 / 48,878,592 sectors)
CAPACITIES = {
    "BD-R 25GB": 25_025_314_816,
    "BD-R 50GB": 50_050_629_632,
    "BD-R 100GB": 100_103_356_416,
}
MAX_FILL = 0.95
# File-system overhead the plan reserves: volume descriptors, path tables, 说明文件, manifest …
IMAGE_RESERVE = 2 * 1024 * 1024
PER_FILE_OVERHEAD = 2 * SECTOR  # UDF file entry + directory records and a manifest line
PER_RECORD_OVERHEAD = 6 * SECTOR  # one directory in ISO 9660, Joliet and UDF
LABEL_NAME = "说明文件.txt"
MANIFEST_NAME = "manifest-sm3.txt"


@dataclass(frozen=True)
class DiscFile:
    """One AIP file to put on a disc (relative path as in the storage layout)."""

    relpath: str
    size: int
    sm3: str
    fonds: str
    year: str
    archival_code: str


@dataclass
class DiscPlan:
    """One planned disc (一张载体)."""

    carrier_id: str
    batch: str
    set_name: str
    carrier_type: str
    capacity: int
    sequence: int
    files: list[DiscFile] = field(default_factory=list)
    used: int = 0  # planned bytes including overhead

    @property
    def archival_codes(self) -> list[str]:
        return list(dict.fromkeys(f.archival_code for f in self.files))

    @property
    def first_code(self) -> str:
        return self.files[0].archival_code if self.files else ""

    @property
    def last_code(self) -> str:
        return self.files[-1].archival_code if self.files else ""

    @property
    def years(self) -> list[str]:
        return sorted({f.year for f in self.files})

    @property
    def fonds(self) -> list[str]:
        return sorted({f.fonds for f in self.files})

    @property
    def data_bytes(self) -> int:
        return sum(f.size for f in self.files)


@dataclass
class DiscSetPlan:
    """A set of discs (一套) and the records that could not be placed (larger than a disc)."""

    set_name: str
    batch: str
    discs: list[DiscPlan] = field(default_factory=list)
    oversized: list[str] = field(default_factory=list)
    burn_order: list[str] = field(default_factory=list)


def _round(size: int) -> int:
    return -(-size // SECTOR) * SECTOR


def _record_cost(files: list[DiscFile]) -> int:
    return PER_RECORD_OVERHEAD + sum(_round(f.size) + PER_FILE_OVERHEAD for f in files)


def _capacity(carrier_type: str, capacity: int | None) -> int:
    if capacity is not None:
        return capacity
    try:
        return CAPACITIES[carrier_type]
    except KeyError:
        raise ArchiveError(
            "unknown carrier type",
            [Problem("DISC-TYPE", f"one of {', '.join(CAPACITIES)}", carrier_type)],
        ) from None


def plan_discs(
    files: Iterable[DiscFile],
    *,
    batch: str,
    set_name: str = "A",
    carrier_type: str = "BD-R 25GB",
    capacity: int | None = None,
    fill: float = MAX_FILL,
    prefix: str = "",
) -> DiscSetPlan:
    """Plan one set of discs; carrier ids are ``<prefix><set>-<batch>-<0001>``."""
    if not 0 < fill <= MAX_FILL:
        raise ArchiveError(
            "fill must be in (0, 0.95]", [Problem("DISC-FILL", "fill ≤ 95 %", str(fill))]
        )
    cap = _capacity(carrier_type, capacity)
    budget = int(cap * fill) - IMAGE_RESERVE
    ordered = sorted(files, key=lambda f: (f.fonds, f.year, f.archival_code, f.relpath))
    plan = DiscSetPlan(set_name, batch)
    current: DiscPlan | None = None

    def new_disc() -> DiscPlan:
        n = len(plan.discs) + 1
        disc = DiscPlan(
            f"{prefix}{set_name}-{batch}-{n:04d}", batch, set_name, carrier_type, cap, n
        )
        plan.discs.append(disc)
        return disc

    for (_, _, code), group in groupby(ordered, key=lambda f: (f.fonds, f.year, f.archival_code)):
        record_files = list(group)
        cost = _record_cost(record_files)
        if cost > budget:
            plan.oversized.append(code)
            continue
        if current is None or current.used + cost > budget:
            current = new_disc()
        current.files.extend(record_files)
        current.used += cost
    plan.burn_order = [d.carrier_id for d in plan.discs]
    return plan


def plan_two_sets(
    files: Iterable[DiscFile],
    *,
    batch_a: str,
    batch_b: str,
    carrier_type: str = "BD-R 25GB",
    capacity: int | None = None,
    fill: float = MAX_FILL,
    prefix: str = "",
) -> tuple[DiscSetPlan, DiscSetPlan]:
    """Sets A and B from different media batches.

    B-n holds what A-n holds, burnt in reverse order.
    """
    if batch_a == batch_b:
        raise ArchiveError(
            "the two sets must come from different batches",
            [Problem("DISC-BATCH", "batch A equals batch B", batch_a)],
        )
    files = list(files)
    a = plan_discs(
        files,
        batch=batch_a,
        set_name="A",
        carrier_type=carrier_type,
        capacity=capacity,
        fill=fill,
        prefix=prefix,
    )
    b = DiscSetPlan("B", batch_b, oversized=list(a.oversized))
    for disc in a.discs:
        b.discs.append(
            DiscPlan(
                f"{prefix}B-{batch_b}-{disc.sequence:04d}",
                batch_b,
                "B",
                disc.carrier_type,
                disc.capacity,
                disc.sequence,
                list(disc.files),
                disc.used,
            )
        )
    b.burn_order = [d.carrier_id for d in reversed(b.discs)]
    return a, b


def carriers_by_record(*sets: DiscSetPlan) -> dict[str, list[str]]:
    """档号 → carrier ids, for DA/T 46 M67 脱机载体编号."""
    result: dict[str, list[str]] = {}
    for s in sets:
        for disc in s.discs:
            for code in disc.archival_codes:
                result.setdefault(code, []).append(disc.carrier_id)
    return result


def label_text(disc: DiscPlan, *, unit: str, made: datetime | None = None, note: str = "") -> str:
    """说明文件: key：value lines.

    载体编号, 载体类型, 制作时间, 容量, 单位, 年度, 数量, 起止档号 (and 说明, a rebuilt
    image's reason: which carrier it replaces, why).
    """
    made = made or datetime.now().astimezone()
    years = disc.years
    lines = [
        ("载体编号", disc.carrier_id),
        ("载体类型", disc.carrier_type),
        ("制作时间", made.isoformat(timespec="seconds")),
        ("容量", f"{disc.capacity} 字节（已用约 {disc.used} 字节）"),
        ("单位", unit),
        ("全宗号", "、".join(disc.fonds)),
        ("年度", years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}" if years else ""),
        ("数量", f"{len(disc.archival_codes)} 件，{len(disc.files)} 个封装包"),
        ("起止档号", f"{disc.first_code}—{disc.last_code}"),
        ("批次", disc.batch),
        ("套别", disc.set_name),
    ]
    if note:
        lines.append(("说明", " ".join(note.split())))
    return "".join(f"{k}：{v}\n" for k, v in lines)


def parse_label(text: str) -> dict[str, str]:
    """The 说明文件's ``key：value`` lines as a mapping."""
    found = {}
    for line in text.splitlines():
        key, sep, value = line.partition("：")
        if sep:
            found[key.strip()] = value.strip()
    return found


def manifest_text(disc: DiscPlan, label: str) -> str:
    """manifest-sm3.txt: ``<SM3>  <path>`` for every file on the disc except the manifest."""
    rows = [(sm3_bytes(label.encode("utf-8")), LABEL_NAME)]
    rows += [(f.sm3, f.relpath) for f in disc.files]
    return "".join(f"{d}  {p}\n" for d, p in rows)


def disc_files_from_location(location, expected) -> list[DiscFile]:
    """DiscFiles for every AIP at a storage location; ``expected(relpath)`` gives the SM3."""
    from .storage import aip_path
    from .storage import list_aips

    return [
        DiscFile(
            ref.relpath,
            aip_path(location, ref.relpath).stat().st_size,
            expected(ref.relpath),
            ref.fonds,
            ref.year,
            ref.archival_code,
        )
        for ref in list_aips(location)
    ]


# --- destroyed AIPs in disc images (销毁档案的光盘镜像重制) -------------------------------------

#: a rebuilt image's carrier id: the old id with ``-R<n>`` (A-2024B01-0001 → A-2024B01-0001-R1)
REBUILT = re.compile(r"^(?P<base>.+?)(?:-R(?P<n>\d+))?$")


def images_holding(
    destroyed: Iterable[str], holders: Mapping[str, Iterable[str]]
) -> dict[str, list[str]]:
    """Which images hold which destroyed AIP: carrier id → the destroyed relpaths on it, from
    ``holders`` (relpath → the carriers holding it, the on-disc register)."""
    found: dict[str, list[str]] = {}
    for relpath in sorted(set(destroyed)):
        for carrier in holders.get(relpath) or ():
            found.setdefault(carrier, []).append(relpath)
    return found


def rebuilt_id(carrier_id: str, taken: Iterable[str] = ()) -> str:
    """The carrier id of the image rebuilt from ``carrier_id``'s: the next ``-R<n>`` not in
    ``taken``."""
    m = REBUILT.match(carrier_id)
    base, n = m.group("base"), int(m.group("n") or 0) + 1
    taken = set(taken)
    while f"{base}-R{n}" in taken:
        n += 1
    return f"{base}-R{n}"


def rebuilt_plan(old: DiscPlan, drop: Iterable[str], carrier_id: str) -> DiscPlan:
    """What the rebuilt image holds: every file of ``old`` but the ``drop`` relpaths (the
    AIPs of destroyed records), in the same order, under the new carrier id; the same batch,
    set, type, capacity and place in the set. A record left with no file leaves the disc."""
    drop = set(drop)
    kept = [f for f in old.files if f.relpath not in drop]
    used = sum(
        _record_cost(list(group))
        for _, group in groupby(kept, key=lambda f: (f.fonds, f.year, f.archival_code))
    )
    return DiscPlan(
        carrier_id,
        old.batch,
        old.set_name,
        old.carrier_type,
        old.capacity,
        old.sequence,
        kept,
        used,
    )
