"""Demo data of the open-access review (开放审核演示, #25): in fonds J001, eight records of
1991–1998 in the archives' holdings (their closure ended by 2026), one of them under hold,
a second reviewer (``archivist2``, 开放审核复核员) and one proposed batch of four records with
one decision made, so the workbench and the batch page have something to show. Idempotent:
nothing is done once the demo records exist."""

from __future__ import annotations

from plone import api

from sd.archive import logger
from sd.archive.demo_parts import demo_user
from sd.archive.demo_parts import pdf_bytes

REVIEWER2 = ("archivist2", "开放审核复核员")
TITLES = [
    "关于机构编制调整的通知",
    "关于年度财务决算的报告",
    "关于干部任免的通知",
    "关于档案工作检查的通报",
    "关于安全生产大检查的通知",
    "关于职工住房分配的请示",
    "关于政策法规清理的报告",
    "关于表彰先进集体的决定",
]
TO_HOLDINGS = ("archive", "request_transfer", "transfer", "receive")


def _make_record(fonds, n: int, year: int, title: str):
    from sd.archive.numbering import assign_code
    from sd.archive.repository import ComponentData
    from sd.archive.repository import create_record

    values = {
        "title": f"{title}（开放审核演示）",
        "record_kind": "电子公文",
        "electronic_record_id": f"OA-37-{year}-KF{n:04d}",
        "agency_name": fonds.Title(),
        "author": fonds.Title(),
        "document_number": f"鲁某发〔{year}〕{n}号",
        "document_type": "通知",
        "security_level": "公开",
        "fonds_code": fonds.fonds_code,
        "year": year,
        "retention_period": "Y",
        "keywords": ["演示", "开放审核"],
    }
    lines = [f"{title}", "各处室：", "现将有关事项通知如下。", "联系人：张三 电话 0531-12345678"]
    pdf = ComponentData(
        filename="正本.pdf",
        data=pdf_bytes(values["title"], lines),
        role="正本",
        sequence=1,
        content_type="application/pdf",
        format_name="PDF",
    )
    record = create_record(fonds, values, [pdf])
    assign_code(record, "WS", year, "Y", "BGS")
    for transition in TO_HOLDINGS:
        api.content.transition(record, transition=transition)
    return record


def make_openreview_demo(portal) -> None:
    from sd.archive.holds import place_hold
    from sd.archive.openreview import decisions
    from sd.archive.openreview import proposal

    fonds = portal.get("j001")
    if fonds is None or getattr(fonds, "_openreview_demo", False):
        return
    user_id, fullname = REVIEWER2
    demo_user(user_id, fullname, ("Archivist",))
    made = [_make_record(fonds, n, 1990 + n, title) for n, title in enumerate(TITLES, 1)]
    place_hold(made[-1], "信访冻结 2026-11", "涉及在办信访事项，暂缓开放")
    fonds._openreview_demo = True
    if api.user.get(username="archivist") is None:
        return
    with api.env.adopt_user(username="archivist"):
        batch = proposal.propose(fonds, None, "2026 年度开放审核（演示）", limit=4)
        first = next(iter(batch.items.keys()))
        decisions.decide(batch, {"uids": [first], "decision": "open", "reason": "无限制开放内容"})
    logger.info("open-access review demo: %d records, batch %s", len(made), batch.id)
