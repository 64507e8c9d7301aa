"""The preservation stage (长期保存, BC-…): readability, format risk, copies, fixity of AIPs."""

import io
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

from PIL import Image

from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.detection.context import CHINA
from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.detection.engine import run_detection
from sd.archive.core.detection.readability import unreadable
from sd.archive.core.detection.subjects import PreservationSubject
from sd.archive.core.detection.subjects import stored_file

SAMPLES = Path("/work/shared/samples")
NOW = datetime(2026, 6, 1, tzinfo=CHINA)
CATALOGUE = load_catalogue()
CTX = {"now": NOW, "use_clamav": False}


def _pdf(tmp_path) -> Path:
    target = tmp_path / "正本.pdf"
    with zipfile.ZipFile(SAMPLES / "packages" / "archive-gongwen.zip") as z:
        target.write_bytes(z.read("正本/正本.pdf"))
    return target


def _png(tmp_path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 10, 10)).save(out, "PNG")
    target = tmp_path / "图.png"
    target.write_bytes(out.getvalue())
    return target


def _subject(files: dict[str, Path], copies=None, expected=None):
    return PreservationSubject(
        "J001-WS·2023-D30-BGS-0007",
        {p: stored_file(p, str(loc), "x") for p, loc in files.items()},
        copies
        if copies is not None
        else {"copy1": {"aip/v1.zip": "a"}, "copy2": {"aip/v1.zip": "a"}},
        expected if expected is not None else {"aip/v1.zip": "a"},
    )


def _outcomes(report):
    return {i.code: i.outcome for i in report.items}


def test_good_files_pass_every_automatic_item(tmp_path):
    ofd = tmp_path / "正本.ofd"
    shutil.copy(SAMPLES / "ofd" / "1.ofd", ofd)
    subject = _subject({"正本.pdf": _pdf(tmp_path), "正本.ofd": ofd, "图.png": _png(tmp_path)})
    report = run_detection("preservation", subject, CATALOGUE, DetectionContext(**CTX))
    outcomes = _outcomes(report)
    assert outcomes["BC-1-1"] == "passed"
    assert outcomes["BC-2-1"] == "passed"
    assert outcomes["BC-3-1"] == "passed"
    assert outcomes["BC-3-2"] == "passed"
    assert report.failed_codes() == []


def test_truncated_files_do_not_open(tmp_path):
    pdf, png = _pdf(tmp_path), _png(tmp_path)
    png.write_bytes(png.read_bytes()[:60])  # header kept, pixels gone
    ofd = tmp_path / "坏.ofd"
    with zipfile.ZipFile(ofd, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    assert unreadable(str(pdf), "PDF") == ""
    assert unreadable(str(png), "PNG") != ""
    assert "OFD" in unreadable(str(ofd), "OFD")
    report = run_detection(
        "preservation",
        _subject({"正本.pdf": pdf, "图.png": png, "坏.ofd": ofd}),
        CATALOGUE,
        DetectionContext(**CTX),
    )
    failed = [(i.code, i.object) for i in report.items if i.outcome == "failed"]
    assert failed == [("BC-3-1", "图.png"), ("BC-3-1", "坏.ofd")]


def test_truncated_image_fails_even_where_plone_scale_allows_truncation(tmp_path):
    from PIL import ImageFile

    png = _png(tmp_path)
    png.write_bytes(png.read_bytes()[:-20])
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        assert unreadable(str(png), "PNG") != ""
        assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as it was
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False


def test_pdf_without_its_page_tree_does_not_open(tmp_path):
    pdf = _pdf(tmp_path)
    data = pdf.read_bytes()
    pdf.write_bytes(data.replace(b"/Pages", b"/Pagez"))
    assert unreadable(str(pdf), "PDF") != ""


def test_watch_list_from_the_archive_replaces_the_catalogue(tmp_path):
    subject = _subject({"图.png": _png(tmp_path), "正本.pdf": _pdf(tmp_path)})
    report = run_detection("preservation", subject, CATALOGUE, DetectionContext(**CTX))
    assert _outcomes(report)["BC-3-2"] == "passed"
    ctx = DetectionContext(**CTX, format_watch_list=("PNG",))
    report = run_detection("preservation", subject, CATALOGUE, ctx)
    risky = [(i.object, i.outcome) for i in report.items if i.code == "BC-3-2"]
    assert risky == [("图.png", "warning")]  # a warn item: reported, not a failure
    assert report.failed_codes() == []


def test_copy_count_follows_the_policy(tmp_path):
    subject = _subject({"图.png": _png(tmp_path)})
    assert (
        _outcomes(
            run_detection("preservation", subject, CATALOGUE, DetectionContext(**CTX, min_copies=3))
        )["BC-2-1"]
        == "failed"
    )
    assert (
        _outcomes(
            run_detection("preservation", subject, CATALOGUE, DetectionContext(**CTX, min_copies=2))
        )["BC-2-1"]
        == "passed"
    )


def test_fixity_names_the_copy_that_differs_and_the_version_not_in_the_ledger(tmp_path):
    copies = {"copy1": {"v1": "a", "v2": "b"}, "copy2": {"v1": "a", "v2": "c"}}
    subject = _subject({"图.png": _png(tmp_path)}, copies, {"v1": "a", "v2": "b", "v3": ""})
    report = run_detection("preservation", subject, CATALOGUE, DetectionContext(**CTX))
    lines = [(i.object, i.message) for i in report.items if i.code == "BC-1-1"]
    assert [o for o, _ in lines] == ["v2", "v3"]
    assert "copy2" in lines[0][1] and "存证" in lines[1][1]


def test_manual_carrier_item_is_reported_for_sign_off(tmp_path):
    manual = [i for i in CATALOGUE.items if i.stage == "preservation" and i.executor == "manual"]
    assert [i.code for i in manual] == ["BC-4-3"]
