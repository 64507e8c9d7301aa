"""The preservation stage's file work in worker processes (core.preservation.stage)."""

import hashlib

from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.preservation.stage import RecordFacts
from sd.archive.core.preservation.stage import check_many
from sd.archive.core.preservation.storage import StorageLocation
from sd.archive.core.preservation.storage import aip_relpath

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def holdings(tmp_path, count):
    locations = [StorageLocation(i, str(tmp_path / i)) for i in ("copy1", "copy2")]
    facts = []
    for n in range(count):
        code = f"J001-WS·2023-Y-BGS-{n:04d}"
        blob = tmp_path / "blobs" / f"{n}.pdf"
        blob.parent.mkdir(exist_ok=True)
        blob.write_bytes(PDF)
        aip = b"<EEP>" + code.encode() + b"</EEP>"
        rel = aip_relpath("J001", "2023", code, 1)
        for loc in locations:
            target = tmp_path / loc.id / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(aip if n != 3 or loc.id == "copy1" else b"damaged")
        digest = hashlib.new("sm3", aip).hexdigest()
        sm3 = hashlib.new("sm3", PDF).hexdigest()
        facts.append(
            RecordFacts(f"uid{n}", code, {"正本.pdf": (str(blob), sm3, len(PDF))}, {rel: digest})
        )
    facts[4].files["附件.pdf"] = (str(tmp_path / "gone.pdf"), "", 0)
    return locations, facts


def test_processes_and_threads_give_the_same_reports_in_order(tmp_path):
    locations, facts = holdings(tmp_path, 6)
    ctx = DetectionContext(format_watch_list=("DOC",), min_copies=2)
    ctx.use_clamav = False
    by_process = list(check_many(facts, locations, ctx, workers=2, chunk=2))
    by_thread = list(check_many(facts, locations, ctx, workers=2, processes=False))
    assert [f.uid for f, _r in by_process] == [f.uid for f in facts]

    def verdicts(rows):
        return [
            (f.uid, r["result"], sorted(i["code"] for i in r["items"] if i["result"] == "failed"))
            for f, r in rows
        ]

    assert verdicts(by_process) == verdicts(by_thread)
    failed = {uid: codes for uid, _result, codes in verdicts(by_process)}
    assert "BC-1-1" in failed["uid3"]  # the damaged second copy
    assert "BC-3-1" in failed["uid4"]  # a content file gone from the store
    assert "BC-1-1" not in failed["uid0"]


def test_nothing_to_check_yields_nothing(tmp_path):
    assert list(check_many([], [], DetectionContext())) == []
