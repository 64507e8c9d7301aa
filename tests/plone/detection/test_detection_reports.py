"""Detection reports of a record: stored per run, shown as a page, served as JSON and PDF."""

import shutil
import subprocess
import tempfile

import pytest
import transaction
from pdfcheck import assert_embedded
from pdfcheck import needs_font
from pdfcheck import needs_tools
from pdfcheck import pdf_text
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.restapi.testing import RelativeSession

from sd.archive.core.detection.engine import run_detection
from sd.archive.core.packages.reader import TempDirSinks
from sd.archive.core.packages.reader import read_package
from sd.archive.detection import report_pdf
from sd.archive.testing import PACKAGE_SAMPLES
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record

CODE = "J001-WS·2024-Y-BGS-0001"


def sample_report() -> dict:
    """A real archiving-stage run of the core on the province's sample package."""
    with tempfile.TemporaryDirectory() as work:
        package = read_package(
            PACKAGE_SAMPLES / "archive-gongwen.zip", "archive", sink_factory=TempDirSinks(work)
        )
        return run_detection("archiving", package).as_dict()


@pytest.fixture
def session(functional):
    portal = functional["portal"]
    with api.env.adopt_roles(["Manager"]):
        record = make_record(make_fonds(portal), 1)
        report = sample_report()
        failed = {
            **report,
            "result": "failed",
            "items": [{**report["items"][0], "result": "failed", "message": "篡改"}],
        }
        record.detection_reports = [report, failed]
    transaction.commit()
    s = RelativeSession(record.absolute_url())
    s.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    s.headers.update({"Accept": "application/json"})
    yield s
    s.close()


def test_rest_lists_runs_with_pdf_links(session):
    body = session.get("@detection").json()
    assert [r["result"] for r in body["reports"]] in (["passed", "failed"], ["warning", "failed"])
    assert body["reports"][0]["stage"] == "archiving"
    assert {"code", "property", "object", "result", "message"} <= set(
        body["reports"][0]["items"][0]
    )
    assert body["reports"][1]["pdf"].endswith("@detection?format=pdf&run=1")


def test_pdf_of_a_run(session):
    response = session.get("@detection?format=pdf&run=0")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True
        ).stdout.decode()
        assert "四性检测报告" in text and "GD-2-7" in text


class StubRecord:
    archival_code = CODE

    def Title(self):
        return "关于印发《档案工作规范》的通知"


@needs_font
@needs_tools
def test_pdf_embeds_its_font_and_renders_the_code():
    """The 档号 with `·` and the Chinese labels come back from the PDF; its fonts are embedded."""
    data = report_pdf(StubRecord(), sample_report())
    text = pdf_text(data)
    assert "电子档案归档四性检测报告" in text
    assert f"档号：{CODE}" in text and "《档案工作规范》" in text
    for label in ("检测项", "名称", "属性", "对象", "结果", "说明", "检测时间", "结论"):
        assert label in text
    assert_embedded(data)


def test_unknown_run_is_404_in_the_error_shape(session):
    response = session.get("@detection?format=pdf&run=7")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "detection.run"


def test_report_page(session):
    page = session.get("@@detection-report", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text[-3000:]
    assert page.text.count('class="sd-detection-run') == 2
    assert 'data-result="failed"' in page.text and "GD-2-7" in page.text
    pdf = session.get("@@detection-report.pdf?run=1", headers={"Accept": "*/*"})
    assert pdf.content.startswith(b"%PDF")
