"""Destroyed records in disc images (#25): the ISO images kept on disk (sets A and B) are
rebuilt without the destroyed record's AIP — its bytes in no image any more, every other AIP
kept — as new carriers registered with their own SM3 and the batch; the old images go; the
burnt carriers wait for a person as pending physical destruction; a kill between the rebuild
and the register loses nothing and the next run finishes."""

import pytest
from plone import api

from sd.archive.appraisal import batches
from sd.archive.appraisal import execution
from sd.archive.core.preservation.disc_image import read_disc
from sd.archive.core.preservation.disc_image import verify_iso
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.core.preservation.storage import aip_path
from sd.archive.preservation import config
from sd.archive.preservation import discs
from sd.archive.preservation import store


class Killed(BaseException):
    """The process killed at this point (nothing catches it)."""


def _approved(ap, expired):
    """A batch destroying ``expired[0]`` and keeping the others, approved."""
    fonds = expired[0].__parent__
    gone = expired[0]
    batch = ap.propose(fonds, expired)
    ap.opine(batch, "officer", gone.UID())
    ap.opine(batch, "member2", gone.UID())
    for record in expired[1:]:
        ap.opine(batch, "officer", record.UID(), "keep", years=5, reason="仍有查考价值")
        ap.opine(batch, "member2", record.UID(), "keep", years=5, reason="仍有查考价值")
    with api.env.adopt_user(username="officer"):
        batches.submit(batch)
    with api.env.adopt_user(username="leader"):
        batches.decide(batch, True, "同意")
    return batch


SETS = iter(range(1, 10_000))


def _images(a, b):
    """The images of this test's sets (the discs work directory outlives a test)."""
    return {p.stem: p for p in (config.work_dir("discs") / f"{a}+{b}").glob("*.iso")}


def _needle(record) -> bytes:
    """A run of bytes of the record's AIP file (as an image holds it)."""
    relpath = store.versions(record)[0]["relpath"]
    data = aip_path(config.online_locations()[0], relpath).read_bytes()
    return data[len(data) // 2 : len(data) // 2 + 256]


@pytest.fixture
def on_discs(expired, ap):
    """Every AIP burnt on sets A and B (names of their own); the batch approved."""
    gone, kept = expired[0], expired[1]
    n = next(SETS)
    a, b = f"D{n}A", f"D{n}B"
    needles = {"gone": _needle(gone), "kept": _needle(kept), "sets": (a, b)}
    result = discs.batch(a, b, location_id=config.online_locations()[0].id)
    assert sorted(result.images) == [f"A-{a}-0001", f"B-{b}-0001"]
    for path in _images(a, b).values():
        data = path.read_bytes()
        assert needles["gone"] in data and needles["kept"] in data
    return _approved(ap, expired), needles


def test_destroyed_aip_leaves_every_disc_image(expired, on_discs):
    batch, needles = on_discs
    a, b = needles["sets"]
    A, B = f"A-{a}-0001", f"B-{b}-0001"
    gone, kept = expired[0], expired[1]
    gone_relpaths = {v["relpath"] for v in store.versions(gone)}
    kept_relpath = store.versions(kept)[0]["relpath"]
    with api.env.adopt_user(username="officer"):
        status = execution.execute(batch, ["张三", "李四"])
    assert status["state"] == "executed" and status["destroyed"] == 1
    images = _images(a, b)
    # the old images are gone; the rebuilt ones hold everything but the destroyed AIP
    assert sorted(images) == [f"{A}-R1", f"{B}-R1"]
    for carrier, path in images.items():
        data = path.read_bytes()
        assert needles["gone"] not in data, f"the destroyed AIP is still in {carrier}"
        assert needles["kept"] in data
        held = {f.relpath for f in read_disc(path).files}
        assert kept_relpath in held and not gone_relpaths & held
        assert verify_iso(path, carrier).ok
    # the carrier register: the new images with their own digest, why and which batch
    register = discs.carrier_register()
    for old in (A, B):
        new = register.carriers[f"{old}-R1"]
        assert register.carriers[old].superseded_by == new.carrier_id
        assert register.carriers[old].state == "verified"  # the burnt disc still exists
        assert new.state == "planned" and new.replaces == old
        assert new.image_sm3 == sm3_file(images[new.carrier_id])
        assert new.history[0]["batch"] == batch.getId()
        assert set(new.history[0]["removed"]) == gone_relpaths
    # the kept AIPs are on the new carriers too; the destroyed one only on the old discs
    burnt = discs.on_disc()
    assert f"{A}-R1" in burnt[kept_relpath]
    assert all("R1" not in c for r in gone_relpaths for c in burnt[r])
    # the burnt discs wait for a person (待实体销毁), never the unburnt images
    pending = execution.pending_carriers(batch)
    assert [c["carrier"] for c in pending] == [A, B]
    assert pending[0]["rebuilt_as"] == f"{A}-R1"
    with api.env.adopt_user(username="officer"):
        execution.confirm_carrier(batch, A, "已粉碎")
    assert discs.carrier_register().carriers[A].state == "retired"
    assert [c["carrier"] for c in execution.pending_carriers(batch)] == [B]


@pytest.mark.parametrize("where", ["before-register", "before-removal"])
def test_a_kill_around_the_rebuild_loses_no_image(expired, on_discs, monkeypatch, where):
    """Killed after the new image is written but before the register knows it, or after the
    register but before the old image goes: the kept record is on an image all along, and
    the next run finishes (old images removed, new ones registered once)."""
    batch, needles = on_discs
    a, b = needles["sets"]
    A, B = f"A-{a}-0001", f"B-{b}-0001"
    kept_relpath = store.versions(expired[1])[0]["relpath"]
    if where == "before-register":
        target, name = discs.CarrierRegister, "supersede"
    else:
        target, name = discs, "_remove"
    real = getattr(target, name)

    def killed(*args, **kw):
        raise Killed

    monkeypatch.setattr(target, name, killed)
    with api.env.adopt_user(username="officer"), pytest.raises(Killed):
        execution.execute(batch, ["张三", "李四"])
    images = _images(a, b)
    holding = [p for p in images.values() if needles["kept"] in p.read_bytes()]
    assert holding, "the kept record is on no image"
    assert A in images  # the old image is still there
    if where == "before-register":
        assert f"{A}-R1" not in discs.carrier_register().carriers
    monkeypatch.setattr(target, name, real)
    with api.env.adopt_user(username="officer"):
        status = execution.execute(batch)
    assert status["state"] == "executed"
    images = _images(a, b)
    assert sorted(images) == [f"{A}-R1", f"{B}-R1"]
    for path in images.values():
        data = path.read_bytes()
        assert needles["gone"] not in data and needles["kept"] in data
    register = discs.carrier_register()
    assert f"{A}-R2" not in register.carriers and f"{B}-R2" not in register.carriers
    assert f"{A}-R1" in discs.on_disc()[kept_relpath]
