"""Disc batching (组盘), ISO images, read-back verification and the carrier register."""

from __future__ import annotations

import os

import pytest
from preservation_helpers import flip_byte

from sd.archive.core.errors import ArchiveError
from sd.archive.core.preservation.carriers import CarrierRegister
from sd.archive.core.preservation.disc_image import build_iso
from sd.archive.core.preservation.disc_image import verify_directory
from sd.archive.core.preservation.disc_image import verify_iso
from sd.archive.core.preservation.discs import IMAGE_RESERVE
from sd.archive.core.preservation.discs import DiscFile
from sd.archive.core.preservation.discs import carriers_by_record
from sd.archive.core.preservation.discs import disc_files_from_location
from sd.archive.core.preservation.discs import label_text
from sd.archive.core.preservation.discs import plan_discs
from sd.archive.core.preservation.discs import plan_two_sets

MB = 1024 * 1024


def synthetic(n_records, size=10 * MB, versions=lambda i: 1):
    files = []
    for i in range(n_records):
        fonds = "J002" if i % 2 else "J001"
        code = f"{fonds}-WS·{2020 + i % 3}-Y-BGS-{i:04d}"
        for v in range(1, versions(i) + 1):
            files.append(
                DiscFile(
                    f"{fonds}/{2020 + i % 3}/{code}/{code}.v{v}.eep",
                    size,
                    "0" * 64,
                    fonds,
                    str(2020 + i % 3),
                    code,
                )
            )
    return files


@pytest.mark.parametrize("carrier_type", ["BD-R 25GB", "BD-R 50GB", "BD-R 100GB"])
def test_plan_fills_at_most_95_percent_and_never_splits(carrier_type):
    files = synthetic(3000, size=37 * MB, versions=lambda i: 1 + i % 3)
    plan = plan_discs(reversed(files), batch="2024B01", carrier_type=carrier_type)
    placed = [f for d in plan.discs for f in d.files]
    assert sorted(placed, key=lambda f: f.relpath) == sorted(files, key=lambda f: f.relpath)
    for disc in plan.discs:
        assert disc.used <= disc.capacity * 0.95
        assert disc.data_bytes < disc.used
    where = {}
    for disc in plan.discs:
        for f in disc.files:
            where.setdefault(f.archival_code, set()).add(disc.carrier_id)
    assert all(len(v) == 1 for v in where.values())
    keys = [(f.fonds, f.year, f.archival_code) for f in placed]
    assert keys == sorted(keys)
    assert plan.discs[0].carrier_id == "A-2024B01-0001"
    # discs other than the last are reasonably full
    assert all(d.used > d.capacity * 0.90 for d in plan.discs[:-1])


def test_oversized_record_is_reported_not_split():
    files = synthetic(3, size=5 * MB)
    plan = plan_discs(files, batch="b", capacity=int((4 * MB + IMAGE_RESERVE) / 0.95))
    assert len(plan.oversized) == 3 and plan.discs == []


def test_two_sets_mirror_each_other_from_different_batches():
    files = synthetic(500, size=200 * MB)
    a, b = plan_two_sets(files, batch_a="2024B01", batch_b="2024B02")
    assert [d.files for d in a.discs] == [d.files for d in b.discs]
    assert {d.batch for d in a.discs} == {"2024B01"} and {d.batch for d in b.discs} == {"2024B02"}
    assert b.burn_order == [d.carrier_id for d in reversed(b.discs)]
    m67 = carriers_by_record(a, b)
    assert m67[files[0].archival_code] == ["A-2024B01-0001", "B-2024B02-0001"]
    with pytest.raises(ArchiveError):
        plan_two_sets(files, batch_a="x", batch_b="x")


def test_label_has_the_required_keys():
    plan = plan_discs(synthetic(4, size=MB), batch="b")
    text = label_text(plan.discs[0], unit="山东省档案馆")
    keys = [line.split("：")[0] for line in text.splitlines()]
    for key in ["载体编号", "载体类型", "制作时间", "容量", "单位", "年度", "数量", "起止档号"]:
        assert key in keys
    assert "4 件" in text and "J001-WS·2020-Y-BGS-0000—J002-WS·2021-Y-BGS-0001" in text


def test_iso_round_trip_read_back_and_tamper(tmp_path, holdings):
    locs, expected = holdings
    files = disc_files_from_location(locs[0], expected.get)
    capacity = int((sum(f.size for f in files) // 2 + IMAGE_RESERVE + 64 * 1024) / 0.95)
    plan = plan_discs(files, batch="T1", capacity=capacity)
    assert len(plan.discs) >= 2
    for disc in plan.discs:
        iso = tmp_path / f"{disc.carrier_id}.iso"
        digest = build_iso(disc, locs[0].path, iso, unit="山东省档案馆")
        assert len(digest) == 64 and os.path.getsize(iso) <= disc.capacity
        report = verify_iso(iso, disc.carrier_id)
        assert report.ok and report.checked == len(disc.files) + 1  # + 说明文件
    # tamper with a file inside the image: find its bytes and flip one
    disc = plan.discs[0]
    iso = tmp_path / f"{disc.carrier_id}.iso"
    data = bytearray(iso.read_bytes())
    needle = b"content 1 "
    pos = data.find(needle)
    if pos < 0:  # contents are base64 inside the EEP
        import base64

        needle = base64.b64encode(b"content 1 content 1 content 1 ")[:24]
        pos = data.find(needle)
    assert pos > 0
    data[pos] ^= 0x01
    iso.write_bytes(bytes(data))
    bad = verify_iso(iso)
    assert not bad.ok and len(bad.mismatched) == 1


def test_build_refuses_sources_that_differ_from_the_plan(tmp_path, holdings):
    locs, expected = holdings
    plan = plan_discs(disc_files_from_location(locs[0], expected.get), batch="T1")
    flip_byte(locs[0].root.joinpath(*sorted(expected)[0].split("/")))
    with pytest.raises(ArchiveError) as err:
        build_iso(plan.discs[0], locs[0].path, tmp_path / "x.iso", unit="u")
    assert err.value.problems[0].code == "DISC-DIGEST" and not (tmp_path / "x.iso").exists()


def test_verify_mounted_directory(tmp_path, holdings):
    locs, expected = holdings
    plan = plan_discs(disc_files_from_location(locs[0], expected.get), batch="T1")
    from sd.archive.core.preservation.discs import manifest_text

    disc = plan.discs[0]
    root = tmp_path / "mnt"
    import shutil

    shutil.copytree(locs[0].root, root)
    label = label_text(disc, unit="u")
    (root / "说明文件.txt").write_text(label, encoding="utf-8")
    (root / "manifest-sm3.txt").write_text(manifest_text(disc, label), encoding="utf-8")
    assert verify_directory(root).ok
    (root / "extra.bin").write_bytes(b"x")
    flip_byte(root.joinpath(*sorted(expected)[0].split("/")))
    report = verify_directory(root)
    assert report.extra == ["extra.bin"] and report.mismatched == [sorted(expected)[0]]


def test_carrier_register(tmp_path):
    a, b = plan_two_sets(synthetic(300, size=300 * MB), batch_a="B1", batch_b="B2")
    reg = CarrierRegister(tmp_path / "carriers.json")
    for disc in a.discs + b.discs:
        reg.register(disc, location="库房1-柜3", image_sm3="ab" * 32)
    with pytest.raises(ArchiveError):
        reg.register(a.discs[0])
    reg.record_read_back(a.discs[0].carrier_id, True)
    reg.record_read_back(b.discs[0].carrier_id, False)
    reg.set_state(a.discs[1].carrier_id, "stored", location="异地库")
    reg.save()
    again = CarrierRegister(tmp_path / "carriers.json")
    assert again.carriers[a.discs[0].carrier_id].state == "verified"
    assert again.carriers[b.discs[0].carrier_id].state == "failed"
    assert again.carriers[a.discs[1].carrier_id].location == "异地库"
    sample = again.read_back_sample(0.4, seed=1)
    active = len(a.discs) + len(b.discs) - 1
    assert len(sample) == -(-active * 4 // 10) and sample == again.read_back_sample(0.4, seed=1)
    with pytest.raises(ArchiveError):
        again.set_state("nope", "stored")
