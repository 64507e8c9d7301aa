"""组盘 (disc batching) on the site: plan, build ISO images, register carriers, record them.

AIPs of one online location that are not yet on a carrier are planned into two mirrored sets
(A and B, different media batches) with ``core.preservation.discs``, written as ISO 9660 +
Joliet + UDF images with ``core.preservation.disc_image``, read back and verified, entered
in the carrier register (载体登记簿), and the carrier ids are recorded on each record
(DA/T 46 M67 脱机载体编号), which its next AIP version carries.

A destroyed record's AIPs leave every image kept on disk (:func:`purge_images`, called by
the destruction once its chunk committed): each image holding one is rebuilt without it as a
new carrier (``<id>-R<n>``, registered ``planned``: an image to burn, its own SM3, a history
entry saying why and which batch), written next to the old image and read back before the
register changes; the old image is removed only then. The carriers burnt from the old image
stay on the batch as pending physical destruction (待实体销毁) until a person confirms each
(:func:`carrier_destroyed`, which retires them in the register); images never burnt are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sd.archive import audit
from sd.archive import logger
from sd.archive.actors import actor
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.preservation import discs as core
from sd.archive.core.preservation.atomic import fsync_dir
from sd.archive.core.preservation.carriers import CarrierRegister
from sd.archive.core.preservation.disc_image import build_iso
from sd.archive.core.preservation.disc_image import read_disc
from sd.archive.core.preservation.disc_image import rebuild_iso
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
        register.register(disc, location=storage_place, image_sm3=image_sm3, image_path=str(iso))
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


REBUILD_REASON = "销毁档案的封装包从光盘镜像中去除 / destroyed records' AIPs taken out"


def image_file(carrier_id: str, rec=None) -> Path | None:
    """The ISO image of a carrier kept on disk (the register's path, else found by name under
    the discs work directory); None when there is none."""
    if rec is not None and rec.image_path and Path(rec.image_path).is_file():
        return Path(rec.image_path)
    found = sorted(config.work_dir("discs").rglob(f"{carrier_id}.iso"))
    return found[0] if found else None


def _on_new_carrier(disc: core.DiscPlan) -> None:
    """The AIPs of a rebuilt image are on its carrier too (idempotent)."""
    burnt = on_disc(create=True)
    for f in disc.files:
        held = burnt.get(f.relpath, ())
        if disc.carrier_id not in held:
            burnt[f.relpath] = (*held, disc.carrier_id)


def _remove(path: Path | None) -> None:
    if path is not None and path.exists():
        path.unlink()
        fsync_dir(path.parent)


def _purge_image(register, carrier: str, relpaths: list[str], batch_id: str) -> str:
    """Rebuild the image of ``carrier`` without ``relpaths``; the new carrier id or ""."""
    rec = register.carriers.get(carrier)
    if rec is not None and rec.superseded_by:  # rebuilt already: finish what a kill left
        new = register.carriers.get(rec.superseded_by)
        new_image = image_file(new.carrier_id, new) if new is not None else None
        if new_image is not None:
            _on_new_carrier(read_disc(new_image))
        _remove(image_file(carrier))
        return ""
    old_image = image_file(carrier, rec)
    if old_image is None:  # no image on disk: only the physical carriers hold it
        return ""
    old = read_disc(old_image)
    held = {f.relpath for f in old.files}
    drop = [r for r in relpaths if r in held]
    if not drop:
        return ""
    if not core.rebuilt_plan(old, drop, carrier).files:  # nothing left to keep: no new image
        register.emptied(carrier, batch=batch_id, reason=REBUILD_REASON, removed=drop, old=old)
        register.save()
        _remove(old_image)
        audit.log_now(
            "preservation.disc-emptied",
            None,
            details={"carrier": carrier, "batch": batch_id, "removed": drop},
        )
        return ""
    new_id = core.rebuilt_id(carrier, register.carriers)
    new_image = old_image.with_name(f"{new_id}.iso")
    plan, digest = rebuild_iso(
        old_image,
        new_image,
        drop=drop,
        carrier_id=new_id,
        unit=config.unit_name() or "sd.archive",
        note=f"替代 {carrier}：鉴定批次 {batch_id} 销毁后去除 {len(drop)} 个封装包重制",
    )
    register.supersede(
        carrier,
        plan,
        image_sm3=digest,
        image_path=str(new_image),
        batch=batch_id,
        reason=REBUILD_REASON,
        removed=drop,
        old=old,
    )
    register.save()  # the new image is in place and registered: only now the old one goes
    _on_new_carrier(plan)
    _remove(old_image)
    audit.log_now(
        "preservation.disc-rebuilt",
        None,
        details={"carrier": carrier, "new": new_id, "batch": batch_id, "removed": drop},
    )
    return new_id


def purge_images(batch, found: dict) -> list[str]:
    """Take the destroyed records' AIPs out of every disc image kept on disk (光盘镜像重制).

    ``found``: record UID → the destruction's targets (``{"relpaths": [...], ...}``). Every
    image holding one (sets A and B) is rebuilt without it; the batch's pending carriers
    (``batch.carriers``, 待实体销毁) keep the carriers that were burnt (the register's
    state), point to the image that replaced theirs and lose those never burnt. Idempotent:
    run again after a kill, it finishes what was left. Returns the UIDs done: all of them,
    or none when an image could not be rebuilt (logged; they stay pending, tried again)."""
    burnt = on_disc()
    destroyed = [r for f in found.values() for r in (f.get("relpaths") or ())]
    if not burnt or not destroyed:
        return list(found)
    holding = core.images_holding(destroyed, {r: burnt.get(r, ()) for r in destroyed})
    if not holding:
        return list(found)
    register = carrier_register()
    try:
        for carrier, relpaths in holding.items():
            _purge_image(register, carrier, relpaths, batch.getId())
    except (OSError, ArchiveError) as error:
        logger.error("destruction: could not rebuild a disc image: %s", error)
        return []
    pending = getattr(batch, "carriers", None)
    for carrier in list(pending or ()):
        entry, rec = pending[carrier], register.carriers.get(carrier)
        if entry.get("confirmed_by"):
            continue
        if not register.physical(carrier):  # an image never burnt: nothing to destroy
            del pending[carrier]
        elif rec is not None and rec.superseded_by and not entry.get("rebuilt_as"):
            entry["rebuilt_as"] = rec.superseded_by
    return list(found)


def carrier_destroyed(carrier: str, relpaths) -> None:
    """A person confirmed the carrier physically destroyed (载体实体销毁): it no longer holds
    these AIPs (the on-disc register) and is retired in the carrier register."""
    burnt = on_disc()
    for relpath in relpaths:
        if relpath not in burnt:
            continue
        left = tuple(c for c in burnt.get(relpath, ()) if c != carrier)
        if left:
            burnt[relpath] = left
        else:
            del burnt[relpath]
    register = carrier_register()
    if carrier in register.carriers:
        register.destroyed(carrier, batch="", by=actor())
        register.save()
