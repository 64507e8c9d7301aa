"""Catalogue as data, per-fonds switches, engine outcomes, context callables, preservation."""

import json
from datetime import datetime

import pytest
from build_corpus import SAMPLES
from build_corpus import eicar_attachment
from build_corpus import regen

from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.detection.context import CHINA
from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.detection.engine import run_detection
from sd.archive.core.detection.registry import CHECKS
from sd.archive.core.detection.subjects import preservation_subject
from sd.archive.core.packages.reader import TempDirSinks
from sd.archive.core.packages.reader import read_package

NOW = datetime(2025, 6, 1, tzinfo=CHINA)
CATALOGUE = load_catalogue()


def sample(tmp_path, name="archive-gongwen.zip", kind="archive"):
    return read_package(SAMPLES / name, kind, sink_factory=TempDirSinks(tmp_path))


def test_catalogue_items_are_consistent():
    codes = {i.code for i in CATALOGUE.items}
    assert {"GD-1-1", "GD-2-7", "GD-3-8", "GD-4-2", "YJ-2-1", "BC-1-1"} <= codes
    for item in CATALOGUE.items:
        assert (
            item.code.split("-")[0]
            == {"archiving": "GD", "transfer": "YJ", "preservation": "BC"}[item.stage]
        )
        assert item.executor == "manual" or item.check in CHECKS
        assert item.title_zh and item.title_en


def test_export_and_reload_a_manager_edited_copy(tmp_path):
    data = json.loads(CATALOGUE.dumps())
    data["version"] = "2025.1-J001"
    data["items"] = [i for i in data["items"] if i["code"] != "GD-4-1"]
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    edited = load_catalogue(path)
    assert edited.version == "2025.1-J001" and "GD-4-1" not in {i.code for i in edited.items}
    data["items"].append(data["items"][0])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError):
        load_catalogue(path)


def test_valid_sample_passes_with_manual_items_and_callables(tmp_path):
    package = sample(tmp_path)
    report = run_detection("archiving", package, CATALOGUE, DetectionContext(now=NOW))
    assert report.result in ("passed", "warning") and not report.problems()
    # no scanner configured: the virus items wait for a person, they do not pass
    assert {i.code for i in report.manual_items} == {
        "GD-1-8",
        "GD-2-6",
        "GD-2-9",
        "GD-4-1",
        "GD-4-2",
    }
    context = DetectionContext(
        now=NOW,
        is_unique=lambda element, value, m: element != "档号",
        continuity=lambda m: ["件号 6 缺失"],
        scope_matcher=lambda m: False,
        virus_scanner=lambda files: {},
    )
    report = run_detection("archiving", package, CATALOGUE, context)
    assert report.failed_codes() == ["GD-1-8", "GD-2-6", "GD-2-9"]
    assert report.result == "failed" and not report.manual_items
    assert report.as_dict()["items"][0]["code"] == "GD-1-1"


def test_per_fonds_switches_and_parameters(tmp_path):
    package = sample(tmp_path)
    fonds = CATALOGUE.with_switches(
        {"GD-1-8": False, "GD-2-6": False, "GD-2-9": False}, {"GD-3-3": {"allowed": ["OFD"]}}
    )
    context = DetectionContext(now=NOW, virus_scanner=lambda files: {})
    report = run_detection("archiving", package, fonds, context)
    assert not report.manual_items and report.failed_codes() == ["GD-3-3"]


def test_warn_severity_reports_warning_not_failure(tmp_path):
    package = sample(tmp_path)
    package.metadata.title = package.metadata.title + "\ue000"  # a private-use character
    report = run_detection(
        "archiving", package, CATALOGUE, DetectionContext(now=NOW, virus_scanner=lambda f: {})
    )
    gd16 = [i for i in report.items if i.code == "GD-1-6"]
    assert [i.outcome for i in gd16] == ["warning"] and report.result == "warning"


def test_signature_verifier_is_called_for_sealed_ofd(tmp_path):
    package = sample(tmp_path, "pre-archive-gongwen.zip", "pre-archive")
    seen = []

    def verifier(file, fmt):
        seen.append((file.path, fmt))
        return False, "seal certificate revoked"

    report = run_detection(
        "archiving", package, CATALOGUE, DetectionContext(now=NOW, signature_verifier=verifier)
    )
    assert seen == [("正本/正本.ofd", "OFD")]
    assert [(p.code, p.object) for p in report.problems() if p.code == "GD-1-9"] == [
        ("GD-1-9", "正本/正本.ofd")
    ]


def test_a_crashing_check_fails(tmp_path):
    def boom(element, value, metadata):
        raise RuntimeError("catalogue service down")

    report = run_detection(
        "archiving", sample(tmp_path), CATALOGUE, DetectionContext(now=NOW, is_unique=boom)
    )
    assert "GD-1-8" in report.failed_codes()


def test_declared_package_digest(tmp_path):
    package = sample(tmp_path)
    ok = run_detection(
        "archiving",
        package,
        CATALOGUE,
        DetectionContext(now=NOW, declared_package_digest=package.digest),
    )
    bad = run_detection(
        "archiving", package, CATALOGUE, DetectionContext(now=NOW, declared_package_digest="0" * 64)
    )
    assert "GD-1-14" not in ok.failed_codes() and "GD-1-14" in bad.failed_codes()


def test_a_pending_package_digest_is_asked_only_when_one_was_declared(tmp_path):
    """The package digest still being computed beside the read is not waited for by
    detection unless the sender declared one (X-Package-SM3)."""
    package = sample(tmp_path)
    real, asked = package.digest, []
    package.digest = lambda: asked.append(1) or real
    run_detection("archiving", package, CATALOGUE, DetectionContext(now=NOW))
    assert asked == []
    report = run_detection(
        "archiving", package, CATALOGUE, DetectionContext(now=NOW, declared_package_digest=real)
    )
    assert asked == [1] and "GD-1-14" not in report.failed_codes()


def test_preservation_stage(tmp_path):
    good = sample(tmp_path)
    locations = {p: f.location for p, f in good.content_files().items()}
    expected = {p: f.sm3 for p, f in good.content_files().items()}
    subject = preservation_subject(
        "J001-WS·2023-D30-BGS-0007", locations, {"disk": expected, "tape": expected}, expected
    )
    report = run_detection(
        "preservation", subject, CATALOGUE, DetectionContext(now=NOW, use_clamav=False)
    )
    assert report.failed_codes() == []
    damaged = dict(expected, **{"附件/附件1.pdf": "0" * 64})
    subject = preservation_subject("x", locations, {"disk": damaged}, expected)
    report = run_detection(
        "preservation", subject, CATALOGUE, DetectionContext(now=NOW, use_clamav=False)
    )
    assert report.failed_codes() == ["BC-1-1", "BC-2-1"]


def test_eicar_is_caught_without_clamav(tmp_path):
    path = tmp_path / "p.zip"
    regen(eicar_attachment)(str(path))
    package = read_package(path, "archive")
    report = run_detection(
        "archiving", package, CATALOGUE, DetectionContext(now=NOW, use_clamav=False)
    )
    assert [(p.code, p.object) for p in report.problems()] == [("GD-4-2", "附件/附件1.txt")]


def test_fido_names_pronom_puids(tmp_path):
    from sd.archive.core.detection.fido_identify import fido_puid

    package = sample(tmp_path)
    assert fido_puid(package.files["正本/正本.pdf"]).startswith("fmt/")


def test_a_format_only_pronom_knows_is_named_by_its_puid(tmp_path):
    """GD-3-4: a GIF declared as GIF is not a format the sniffer accepts; with fido the report
    names its PRONOM PUID, without it the file is an unknown format. The failed item is the same."""
    from build_corpus import rename_file
    from build_corpus import set_file

    from sd.archive.core.detection.fido_identify import fido_puid

    path = tmp_path / "gif.zip"
    gif = (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00"
        b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    regen(
        lambda f: set_file(
            rename_file(f, "附件/附件1.pdf", "附件/附件1.gif"), "附件/附件1.gif", gif, fmt="GIF"
        )
    )(str(path))
    (tmp_path / "files").mkdir()
    package = read_package(path, "archive", sink_factory=TempDirSinks(tmp_path / "files"))
    messages = {}
    for name, identifier in (("fido", fido_puid), ("none", None)):
        report = run_detection(
            "archiving",
            package,
            CATALOGUE,
            DetectionContext(now=NOW, use_clamav=False, format_identifier=identifier),
        )
        messages[name] = [p.message for p in report.problems() if p.code == "GD-3-4"]
    assert len(messages["fido"]) == 1 and "PRONOM fmt/4" in messages["fido"][0]
    assert messages["none"] == ["无法识别的格式 / unknown format"]
