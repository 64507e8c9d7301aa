"""Demo-like queues for the workbench tests (integration and browser): records in each state,
transfer batches, rejections and an alarm. Imported as ``workbench_data``."""

from plone import api
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent

from sd.archive.intake.rejections import add_rejection
from sd.archive.intake.review import PENDING_REVIEW
from sd.archive.preservation.alarms import raise_alarm
from sd.archive.testing import make_record
from sd.archive.transfer.batch import init_state

#: what waits, per fonds: pending review, archived of 2015 (due), archived of 2026 (not due)
QUEUES = {"J001": (3, 2, 1), "J002": (1, 4, 0)}
#: transfer batches: (fonds code, number, state)
BATCHES = (
    ("J001", 1, "awaiting_acceptance"),
    ("J001", 2, "received"),
    ("J002", 3, "awaiting_acceptance"),
)
REJECTIONS = (("J001", "OA-J001-9"), ("J001", "OA-J001-8"), ("J002", "OA-J002-7"))


def set_state(obj, state: str, workflow: str) -> None:
    """Put ``obj`` in ``state`` without running the transition's lifecycle (test data only)."""
    wf = api.portal.get_tool("portal_workflow")
    status = dict(wf.getStatusOf(workflow, obj))
    status["review_state"] = state
    wf.setStatusOf(workflow, obj, status)
    obj.reindexObject(idxs=["review_state"])


def add_batch(fonds, n: int, state: str):
    batch = createContent(
        "TransferBatch",
        title=f"移交 {fonds.fonds_code} 批次 {n}",
        direction="outgoing",
        fonds_code=fonds.fonds_code,
    )
    batch.id = f"batch-{fonds.fonds_code.lower()}-{n}"
    batch = addContentToContainer(fonds, batch, checkConstraints=False)
    init_state(batch, {"record_count": 0, "fonds_code": fonds.fonds_code}, [])
    set_state(batch, state, "sd_transfer_workflow")
    return batch


def fill(portal, *fonds_list) -> None:
    by_code = {f.fonds_code: f for f in fonds_list}
    n = 0
    for code, (pending, due, recent) in QUEUES.items():
        fonds = by_code[code]
        for _ in range(pending):
            n += 1
            record = make_record(fonds, n)
            record.arrangement_status = PENDING_REVIEW  # no arrangement rule decided
            record.reindexObject(idxs=["arrangement_status"])
        n += 1
        make_record(fonds, n)  # pre-archived, not waiting for review: not counted
        for _ in range(due):
            n += 1
            set_state(make_record(fonds, n, year=2015), "archived", "sd_record_workflow")
        for _ in range(recent):
            n += 1
            set_state(make_record(fonds, n, year=2026), "archived", "sd_record_workflow")
    for code, n, state in BATCHES:
        add_batch(by_code[code], n, state)
    for code, record_id in REJECTIONS:
        add_rejection(
            portal,
            actor="submitter",
            kind="archive",
            fonds_code=code,
            package_digest="00" * 32,
            record_id=record_id,
            error={"type": "Rejected", "message": "四性检测未通过", "errors": []},
        )
    raise_alarm("fixity", "aip-1", "AIP 摘要不符")
