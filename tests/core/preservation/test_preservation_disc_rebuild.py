"""Destroyed AIPs in disc images (#25): which images hold which AIP, what the rebuilt image
holds, the rebuild itself (the destroyed AIP's bytes gone, every other AIP kept and read back),
and the carrier register's entries (rebuilt, superseded, physically destroyed)."""

from __future__ import annotations

import base64
import json

import pytest

from sd.archive.core.errors import ArchiveError
from sd.archive.core.preservation import disc_image
from sd.archive.core.preservation.atomic import TEMP_PREFIX
from sd.archive.core.preservation.carriers import CarrierRegister
from sd.archive.core.preservation.disc_image import build_iso
from sd.archive.core.preservation.disc_image import read_disc
from sd.archive.core.preservation.disc_image import rebuild_iso
from sd.archive.core.preservation.disc_image import verify_iso
from sd.archive.core.preservation.discs import DiscFile
from sd.archive.core.preservation.discs import DiscPlan
from sd.archive.core.preservation.discs import disc_files_from_location
from sd.archive.core.preservation.discs import images_holding
from sd.archive.core.preservation.discs import parse_label
from sd.archive.core.preservation.discs import plan_two_sets
from sd.archive.core.preservation.discs import rebuilt_id
from sd.archive.core.preservation.discs import rebuilt_plan

DESTROYED = "J001-WS·2022-Y-BGS-0002"


def _needle(i: int) -> bytes:
    """A run of the record's content as it sits inside its EEP (base64)."""
    return base64.b64encode(f"content {i} ".encode() * 6)[:32]


@pytest.fixture
def images(tmp_path, holdings):
    """Sets A and B (one disc each) of the holdings, built as ISO images."""
    locs, expected = holdings
    files = disc_files_from_location(locs[0], expected.get)
    a, b = plan_two_sets(files, batch_a="T1", batch_b="T2")
    built = {}
    for disc in (*a.discs, *b.discs):
        iso = tmp_path / "discs" / f"{disc.carrier_id}.iso"
        build_iso(disc, locs[0].path, iso, unit="山东省档案馆")
        built[disc.carrier_id] = (disc, iso)
    return built, expected


def test_which_images_hold_which_aip():
    holders = {"a/1.eep": ("A-1", "B-1"), "a/2.eep": ("A-1", "B-1"), "b/3.eep": ("A-2",)}
    assert images_holding(["a/2.eep", "b/3.eep", "x/9.eep"], holders) == {
        "A-1": ["a/2.eep"],
        "B-1": ["a/2.eep"],
        "A-2": ["b/3.eep"],
    }
    assert images_holding([], holders) == {}


def test_rebuilt_ids():
    assert rebuilt_id("A-2024B01-0001") == "A-2024B01-0001-R1"
    assert rebuilt_id("A-2024B01-0001-R1") == "A-2024B01-0001-R2"
    assert rebuilt_id("A-2024B01-0001", taken={"A-2024B01-0001-R1"}) == "A-2024B01-0001-R2"


def test_rebuilt_plan_leaves_the_dropped_files_out():
    files = [
        DiscFile(f"J001/2020/C{n}/C{n}.v1.eep", 5000, "0" * 64, "J001", "2020", f"C{n}")
        for n in range(1, 4)
    ]
    old = DiscPlan("A-B1-0001", "B1", "A", "BD-R 25GB", 10**9, 1, files, 0)
    new = rebuilt_plan(old, ["J001/2020/C2/C2.v1.eep"], "A-B1-0001-R1")
    assert [f.archival_code for f in new.files] == ["C1", "C3"]
    assert (new.carrier_id, new.batch, new.set_name, new.sequence) == ("A-B1-0001-R1", "B1", "A", 1)
    assert 0 < new.used < rebuilt_plan(old, [], "x").used
    assert new.archival_codes == ["C1", "C3"] and old.archival_codes == ["C1", "C2", "C3"]


def test_rebuild_removes_the_destroyed_aip_and_keeps_the_others(images):
    built, expected = images
    (disc, old_iso), _ = list(built.values())[:2]
    gone = [r for r in expected if f"/{DESTROYED}/" in r]
    assert gone and _needle(2) in old_iso.read_bytes()
    assert read_disc(old_iso).files == disc.files  # what the image holds, read from it
    new_iso = old_iso.with_name("A-T1-0001-R1.iso")
    plan, digest = rebuild_iso(
        old_iso,
        new_iso,
        drop=gone,
        carrier_id="A-T1-0001-R1",
        unit="山东省档案馆",
        note="替代 A-T1-0001：鉴定批次 appraisal-2026-001 销毁 1 件后重制",
    )
    assert len(digest) == 64 and plan.carrier_id == "A-T1-0001-R1"
    data = new_iso.read_bytes()
    assert _needle(2) not in data, "the destroyed record's AIP is still in the image"
    assert _needle(1) in data and _needle(3) in data
    report = verify_iso(new_iso, "A-T1-0001-R1")
    assert report.ok and report.checked == len(expected) - len(gone) + 1  # + 说明文件
    again = read_disc(new_iso)
    assert {f.relpath: f.sm3 for f in again.files} == {
        r: d for r, d in expected.items() if r not in gone
    }
    assert DESTROYED not in again.archival_codes
    assert (again.carrier_id, again.batch, again.set_name) == ("A-T1-0001-R1", "T1", "A")
    # the old image is left alone (the caller removes it once the register says so)
    assert _needle(2) in old_iso.read_bytes() and verify_iso(old_iso).ok
    assert not list(old_iso.parent.glob(TEMP_PREFIX + "*"))


def test_label_of_a_rebuilt_image_says_why(images):
    built, expected = images
    disc, old_iso = built["A-T1-0001"]
    new_iso = old_iso.with_name("A-T1-0001-R1.iso")
    gone = [r for r in expected if f"/{DESTROYED}/" in r]
    rebuild_iso(old_iso, new_iso, drop=gone, carrier_id="A-T1-0001-R1", unit="u", note="替代")
    import io

    import pycdlib

    iso = pycdlib.PyCdlib()
    iso.open(str(new_iso))
    buf = io.BytesIO()
    iso.get_file_from_iso_fp(buf, udf_path="/说明文件.txt")
    iso.close()
    label = parse_label(buf.getvalue().decode("utf-8"))
    assert label["载体编号"] == "A-T1-0001-R1" and label["说明"] == "替代"
    assert label["数量"].startswith(f"{len(disc.archival_codes) - 1} 件")


def test_a_failed_rebuild_leaves_the_old_image_and_no_new_one(images, monkeypatch):
    built, expected = images
    _, old_iso = built["B-T2-0001"]
    before = old_iso.read_bytes()
    bad = disc_image.ReadBackReport("x", mismatched=["J001/x"])
    monkeypatch.setattr(disc_image, "verify_iso", lambda *a, **k: bad)
    new_iso = old_iso.with_name("B-T2-0001-R1.iso")
    with pytest.raises(ArchiveError) as err:
        rebuild_iso(old_iso, new_iso, drop=list(expected)[:1], carrier_id="B-T2-0001-R1", unit="u")
    assert err.value.problems[0].code == "DISC-READBACK"
    assert not new_iso.exists() and not list(old_iso.parent.glob(TEMP_PREFIX + "*"))
    assert old_iso.read_bytes() == before


def test_register_supersede_and_physical_destruction(tmp_path, images):
    built, expected = images
    disc, old_iso = built["A-T1-0001"]
    path = tmp_path / "carriers.json"
    # a register written before these fields existed still loads
    path.write_text(
        json.dumps(
            [
                {
                    "carrier_id": "A-T1-0001",
                    "batch": "T1",
                    "set_name": "A",
                    "carrier_type": "BD-R 25GB",
                    "state": "verified",
                }
            ]
        ),
        "utf-8",
    )
    reg = CarrierRegister(path)
    assert reg.physical("A-T1-0001") and reg.physical("UNKNOWN-1")
    gone = [r for r in expected if f"/{DESTROYED}/" in r]
    new = rebuilt_plan(disc, gone, "A-T1-0001-R1")
    reg.supersede(
        "A-T1-0001",
        new,
        image_sm3="ab" * 32,
        image_path=str(old_iso.with_name("A-T1-0001-R1.iso")),
        batch="appraisal-2026-001",
        reason="销毁档案的封装包从光盘镜像中去除",
        removed=gone,
    )
    reg.save()
    again = CarrierRegister(path)
    old, rebuilt = again.carriers["A-T1-0001"], again.carriers["A-T1-0001-R1"]
    assert old.superseded_by == "A-T1-0001-R1" and old.image_path == ""
    assert old.state == "verified" and again.physical("A-T1-0001")  # the burnt disc exists
    assert rebuilt.state == "planned" and not again.physical("A-T1-0001-R1")
    assert rebuilt.image_sm3 == "ab" * 32 and rebuilt.replaces == "A-T1-0001"
    assert rebuilt.history[0]["batch"] == "appraisal-2026-001"
    assert rebuilt.history[0]["removed"] == gone and rebuilt.count == len(new.archival_codes)
    again.destroyed("A-T1-0001", batch="appraisal-2026-001", by="officer", note="已粉碎")
    assert again.carriers["A-T1-0001"].state == "retired" and not again.physical("A-T1-0001")
    assert again.carriers["A-T1-0001"].history[-1]["event"] == "destroyed"
    # an image never burnt is retired when replaced
    reg2 = CarrierRegister(tmp_path / "c2.json")
    reg2.register(disc, image_sm3="cd" * 32, state="planned")
    reg2.supersede(
        disc.carrier_id, new, image_sm3="ef" * 32, image_path="", batch="b", reason="r", removed=[]
    )
    assert reg2.carriers[disc.carrier_id].state == "retired"


def test_register_an_emptied_image(tmp_path, images):
    """Every AIP of an image destroyed: no new image, the old one's entry says why, once."""
    built, expected = images
    disc, _ = built["A-T1-0001"]
    reg = CarrierRegister(tmp_path / "carriers.json")
    reg.register(disc, image_sm3="ab" * 32, image_path="/x/A-T1-0001.iso")
    for _ in range(2):  # a rerun after a kill adds nothing
        reg.emptied("A-T1-0001", batch="b1", reason="r", removed=list(expected), old=disc)
    rec = reg.carriers["A-T1-0001"]
    assert rec.image_path == "" and rec.state == "written" and reg.physical("A-T1-0001")
    assert [h["event"] for h in rec.history] == ["emptied"]
    assert rebuilt_plan(disc, list(expected), "x").files == []
