"""Model files (模型文件): versions, a damaged file, an interrupted training run."""

from __future__ import annotations

import pytest

from sd.archive.core.mining import arrangement
from sd.archive.core.mining import model_store
from sd.archive.core.mining import sampledata
from sd.archive.core.mining.features import Sample

QUERY = Sample(title="2025年3月会计凭证", text="本月共编制记账凭证")


@pytest.fixture(scope="module")
def trained():
    return arrangement.train(sampledata.records(200, seed=5), "J900")


@pytest.fixture
def store(tmp_path):
    model_store.clear_cache()
    return model_store.ModelStore(tmp_path)


def test_saved_versions_load_newest_first(store, trained):
    assert store.load("J900").model is None  # nothing yet: no suggestion, no error
    v1 = store.save("J900", trained, {"samples": trained.samples})
    v2 = store.save("J900", trained)
    assert (v1, v2) == ("v000001", "v000002")
    loaded = store.load("J900")
    assert loaded.version == v2 and not loaded.failures
    assert loaded.model.suggest(QUERY).value("category") == "KJ"
    assert store.manifest("J900", v1)["samples"] == trained.samples


def test_old_versions_are_removed(store, trained):
    for _ in range(5):
        store.save("J900", trained)
    assert store.versions("J900") == ["v000005", "v000004", "v000003"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes()[:100]),  # truncated
        lambda path: path.write_bytes(b"not a model at all"),  # overwritten
        lambda path: path.unlink(),  # gone
    ],
    ids=["truncated", "garbage", "missing"],
)
def test_a_damaged_model_falls_back_to_the_previous_one(store, trained, damage):
    store.save("J900", trained)
    v2 = store.save("J900", trained)
    model_store.clear_cache()
    damage(store.folder("J900") / v2 / model_store.MODEL_FILE)
    loaded = store.load("J900")
    assert loaded.version == "v000001" and loaded.fell_back
    assert loaded.failures[0][0] == v2
    assert loaded.model.suggest(QUERY).ok


def test_the_only_model_damaged_means_no_model(store, trained):
    version = store.save("J900", trained)
    (store.folder("J900") / version / model_store.MODEL_FILE).write_bytes(b"\x80\x04garbage")
    model_store.clear_cache()
    loaded = store.load("J900")
    assert loaded.model is None and loaded.failures


def test_an_interrupted_training_run_keeps_the_previous_model(store, trained, monkeypatch):
    import joblib

    first = store.save("J900", trained)

    def dies(*args, **kw):
        raise KeyboardInterrupt("process stopped while writing")

    monkeypatch.setattr(joblib, "dump", dies)
    with pytest.raises(KeyboardInterrupt):
        store.save("J900", trained)
    monkeypatch.undo()
    assert store.current("J900") == first and store.load("J900").version == first
    assert list(store.folder("J900").glob(".tmp-*"))  # the leftover …
    assert store.save("J900", trained) == "v000002"
    assert not list(store.folder("J900").glob(".tmp-*"))  # … removed by the next run


def test_a_model_of_another_fonds_is_not_used(store, trained):
    version = store.save("J900", trained)
    other = store.folder("J901")
    other.mkdir(parents=True)
    import shutil

    shutil.copytree(store.folder("J900") / version, other / version)
    (other / model_store.CURRENT).write_text(version)
    model_store.clear_cache()
    assert store.load("J901").model is None


def test_a_version_taken_meanwhile_is_not_overwritten(store, trained, monkeypatch):
    store.save("J900", trained)
    taken = store.folder("J900") / "v000002"
    real = model_store.ModelStore.versions

    def stale(self, fonds_code):  # as read before another process saved v000002
        found = real(self, fonds_code)
        return [v for v in found if v != "v000002"]

    taken.mkdir()
    (taken / "marker").write_text("another process's model")
    monkeypatch.setattr(model_store.ModelStore, "versions", stale)
    assert store.save("J900", trained) == "v000003"
    assert (taken / "marker").exists()
    assert store.manifest("J900", "v000003")["version"] == "v000003"
