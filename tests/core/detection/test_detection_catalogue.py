def test_catalogue_is_read_once_per_file_version(tmp_path):
    import json
    import os
    from pathlib import Path

    from sd.archive.core.detection.catalogue import DEFAULT_PATH
    from sd.archive.core.detection.catalogue import load_catalogue

    assert load_catalogue() is load_catalogue()
    copy = tmp_path / "catalogue.json"
    data = json.loads(Path(DEFAULT_PATH).read_text(encoding="utf-8"))
    copy.write_text(json.dumps(data), "utf-8")
    first = load_catalogue(copy)
    assert load_catalogue(copy) is first
    data["version"] = "edited"
    copy.write_text(json.dumps(data), "utf-8")
    os.utime(copy, ns=(1, 1))  # a different version even within the same clock tick
    assert load_catalogue(copy).version == "edited"


def test_the_shipped_catalogue_is_read_once_per_process(monkeypatch):
    from sd.archive.core.detection import catalogue

    first = catalogue.load_catalogue()

    def no_stat(*_args, **_kwargs):
        raise AssertionError("the shipped catalogue was looked at again")

    monkeypatch.setattr(catalogue.os, "stat", no_stat)
    assert catalogue.load_catalogue() is first
