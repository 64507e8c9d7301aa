"""组盘 (disc batching) on the site: plan, build ISO images, register carriers, record them.

AIPs of one online location that are not yet on a carrier are planned into two mirrored sets
(A and B, different media batches) with ``core.preservation.discs``, written as ISO 9660 +
Joliet + UDF images with ``core.preservation.disc_image``, read back and verified, entered
in the carrier register (载体登记簿), and the carrier ids are recorded on each record
(DA/T 46 M67 脱机载体编号), which its next AIP version carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.preservation import discs as core
from sd.archive.core.preservation.carriers import CarrierRegister
from sd.archive.core.preservation.disc_image import build_iso
from sd.archive.core.preservation.disc_image import verify_directory
from sd.archive.core.preservation.disc_image import verify_iso
from sd.archive.sitedata import site_tree

from . import config
from . import store
from .package import add_preservation_event
from .package import set_carriers

ON_DISC_KEY = "sd.archive.preservation.on_disc"


@dataclass
class DiscBatch:
    batch_a: str
    batch_b: str
    images: dict[str, str] = field(default_factory=dict)  # carrier id → ISO path
    read_back: dict[str, bool] = field(default_factory=dict)
    records: dict[str, list[str]] = field(default_factory=dict)  # code → carrier ids
    oversized: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.images) and all(self.read_back.values())


def register_path() -> Path:
    return config.work_dir("discs") / "carriers.json"


def carrier_register() -> CarrierRegister:
    return CarrierRegister(register_path())


def on_disc(site=None, create: bool = False):
    """relpath → carrier ids of the AIPs burnt already (empty to read before the first disc)."""
    tree = site_tree(site, ON_DISC_KEY, create)
    return tree if tree is not None else {}


def pending_files(location_id: str) -> list[core.DiscFile]:
    """AIPs of the location with a known digest that no carrier holds yet."""
    loc = config.location(location_id)
    expected = store.expected_digests()
    burnt = on_disc()
    return [
        f
        for f in core.disc_files_from_location(loc, expected.get)
        if f.sm3 and f.relpath not in burnt
    ]


def plan(
    batch_a: str,
    batch_b: str,
    *,
    location_id: str = "copy1",
    carrier_type: str = "",
    capacity: int | None = None,
):
    files = pending_files(location_id)
    if not files:
        raise ArchiveError(
            "nothing to put on discs",
            [Problem("DISC-EMPTY", "every AIP is on a carrier already", location_id)],
            409,
            "Conflict",
        )
    return core.plan_two_sets(
        files,
        batch_a=batch_a,
        batch_b=batch_b,
        carrier_type=carrier_type or _carrier_type(),
        capacity=capacity,
    )


def _carrier_type() -> str:
    proxy = config.settings()
    return getattr(proxy, "carrier_type", None) or "BD-R 25GB"


def batch(
    batch_a: str,
    batch_b: str,
    *,
    location_id: str = "copy1",
    carrier_type: str = "",
    capacity: int | None = None,
    out_dir: str | Path | None = None,
    storage_place: str = "",
) -> DiscBatch:
    """Plan, build and read back the images of both sets; register carriers; record them."""
    set_a, set_b = plan(
        batch_a, batch_b, location_id=location_id, carrier_type=carrier_type, capacity=capacity
    )
    loc = config.location(location_id)
    out = Path(out_dir) if out_dir else config.work_dir("discs") / f"{batch_a}+{batch_b}"
    out.mkdir(parents=True, exist_ok=True)
    register = carrier_register()
    result = DiscBatch(batch_a, batch_b, oversized=list(set_a.oversized))
    unit = config.unit_name() or "sd.archive"
    for disc in [*set_a.discs, *set_b.discs]:
        iso = out / f"{disc.carrier_id}.iso"
        image_sm3 = build_iso(disc, loc.root, iso, unit=unit)
        report = verify_iso(iso, disc.carrier_id)
        register.register(disc, location=storage_place, image_sm3=image_sm3)
        register.record_read_back(disc.carrier_id, report.ok)
        result.images[disc.carrier_id] = str(iso)
        result.read_back[disc.carrier_id] = report.ok
    register.save()
    if not result.ok:
        raise ArchiveError(
            "a disc image failed its read-back",
            [
                Problem("DISC-READBACK", "mismatch", c)
                for c, ok in result.read_back.items()
                if not ok
            ],
            500,
            "DiscError",
        )
    result.records = core.carriers_by_record(set_a, set_b)
    burnt = on_disc(create=True)
    for s in (set_a, set_b):
        for disc in s.discs:
            for f in disc.files:
                burnt[f.relpath] = (*burnt.get(f.relpath, ()), disc.carrier_id)
    index = store.index()
    by_code = {}
    for entry in index.values():
        by_code[entry["code"]] = entry["uid"]
    for code, carrier_ids in result.records.items():
        record = store.record_by_uid(by_code.get(code, ""))
        if record is None:
            continue
        set_carriers(record, carrier_ids)
        add_preservation_event(record, "组盘", "、".join(carrier_ids))
    return result


def read_back(carrier_id: str, path: str | Path) -> bool:
    """Read back a mounted disc (a directory) or a copied image and record the outcome."""
    path = Path(path)
    report = verify_directory(path, carrier_id) if path.is_dir() else verify_iso(path, carrier_id)
    register = carrier_register()
    register.record_read_back(carrier_id, report.ok)
    register.save()
    return report.ok
