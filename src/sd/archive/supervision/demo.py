"""Demo data of the supervision figures (监督演示数据, #26): fonds J004, an agency whose
figures need a supervisor's attention, and its records officer ``officer-j004``.

- 文号 series 鲁某督发〔2024〕1–12 archived without 4, 5 and 9 (9 marked void with a reason):
  two missing numbers;
- six documents of 2023 archived only now, long after 30 June 2024: late records;
- four records of 2019 archived and still in the records room: due for transfer under the
  5-year rule and not sent;
- a declared count of 15 documents issued in 2024 against the 9 archived;
- one package refused at intake for a digest mismatch (GD-2-7).

Idempotent: nothing is made when J004 exists.
"""

from __future__ import annotations

from datetime import date

from plone import api

from sd.archive import logger
from sd.archive.demo_parts import demo_user
from sd.archive.demo_parts import pdf_bytes

FONDS_ID = "j004"
CODE = "J004"
TITLE = "山东省某某督查局"
OFFICER = "officer-j004"


def _record(fonds, n: int, year: int, number: str, day: date, title: str):
    from sd.archive.numbering import assign_code
    from sd.archive.repository import ComponentData
    from sd.archive.repository import create_record

    record = create_record(
        fonds,
        {
            "title": title,
            "record_kind": "电子公文",
            "electronic_record_id": f"OA-37-{CODE}-{year}-{n:06d}",
            "agency_name": TITLE,
            "document_number": number,
            "author": TITLE,
            "document_date": day,
            "document_type": "通知",
            "security_level": "公开",
            "open_status": "待审",
            "pages": 1,
            "fonds_code": CODE,
            "year": year,
            "retention_period": "Y",
        },
        [
            ComponentData(
                filename="正本.pdf",
                data=pdf_bytes(title, [f"{TITLE} · 正本"]),
                role="正本",
                sequence=1,
                path="正本/正本.pdf",
                format_name="PDF",
                content_type="application/pdf",
            )
        ],
    )
    assign_code(record, "WS", year, "Y", "BGS")
    api.content.transition(record, transition="archive")
    return record


def make_supervision_demo(portal):
    """Make J004 and its records (see the module); None when it exists already."""
    from persistent.mapping import PersistentMapping

    from sd.archive.actors import now
    from sd.archive.intake.rejections import add_rejection
    from sd.archive.sitedata import site_tree
    from sd.archive.supervision import aggregates
    from sd.archive.supervision import numbers
    from sd.archive.supervision.metrics import DECLARED

    if FONDS_ID in portal:
        return None
    with api.env.adopt_roles(["Manager"]):
        fonds = api.content.create(
            container=portal,
            type="Fonds",
            id=FONDS_ID,
            title=TITLE,
            fonds_code=CODE,
            agency_name=TITLE,
            network_domain="administrative",
            record_kinds={"电子公文"},
            own_records_room=False,
        )
        n = 0
        for number in (1, 2, 3, 6, 7, 8, 10, 11, 12):
            n += 1
            _record(
                fonds,
                n,
                2024,
                f"鲁某督发〔2024〕{number}号",
                date(2024, 1 + number % 12, 10),
                f"关于开展第{number}批督查工作的通知",
            )
        for k in range(1, 7):
            n += 1
            _record(
                fonds,
                n,
                2023,
                f"鲁某督发〔2023〕{k}号",
                date(2023, 2 * k, 8),
                f"关于2023年第{k}季度督查情况的通报（补归档）",
            )
        for k in range(1, 5):
            n += 1
            _record(
                fonds,
                n,
                2019,
                f"鲁某督发〔2019〕{k}号",
                date(2019, 3 * k, 1),
                f"2019年督查工作要点（{k}）",
            )
        aggregates.flush()
        demo_user(OFFICER, "督查局档案员")
        api.user.grant_roles(username=OFFICER, obj=fonds, roles=["RecordsOfficer", "Reader"])
        numbers.declare(fonds, "鲁某督发〔2024〕", [9], "void", "该号文件起草后撤销发文，号码作废")
        tree = site_tree(portal, DECLARED, create=True)
        tree[(CODE, "documents_issued", "2024-01-01", "2024-12-31")] = PersistentMapping(
            count=15, by="oa-j004", time=now()
        )
        add_rejection(
            portal,
            actor="svc-j004",
            kind="archive",
            fonds_code=CODE,
            package_digest="0" * 64,
            record_id=f"OA-37-{CODE}-2024-000099",
            error={
                "type": "DetectionFailed",
                "message": "detection failed",
                "errors": [{"code": "GD-2-7", "message": "SM3 digest differs from 元数据.xml"}],
            },
        )
    logger.info("demo fonds %s for the supervision figures created", CODE)
    return fonds
