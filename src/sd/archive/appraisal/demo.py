"""Demo of appraisal and destruction (鉴定与销毁演示, #25), idempotent.

In fonds J001: the appraisal group (鉴定小组) of the records room — the records officer and a
second member ``appraiser-j001`` (password ``appraiser-j001-demo``, 鉴定小组成员); one expired
record under a hold (诉讼冻结); a batch in progress (鉴定中) of three expired records with the
officer's opinion recorded and the second member's still to come; two more expired records
left on the due list for a new proposal. The leader (``leader``) approves once the batch is
submitted. Nothing is destroyed here: the demo's tombstones are the expired D10 records
``demo.make_records`` destroys (never a permanent one).
"""

from __future__ import annotations

from plone import api

from sd.archive import logger

from . import batches

MEMBER = ("appraiser-j001", "J001 鉴定小组成员")


def _expired(fonds) -> list:
    """The fonds' expired records waiting in appraisal (the demo's D10 records of 2011–13)."""
    found = []
    for row in batches.retention.due_list(fonds, within=0):
        record = batches.record_by_uid(row["uid"])
        if record is not None and not getattr(record, "holds", None):
            found.append(record)
    return found


def make_appraisal_demo(portal) -> None:
    fonds = portal.get("j001")
    if fonds is None or batches.batches_of(fonds):
        return
    from sd.archive.demo import demo_password
    from sd.archive.holds import place_hold

    user_id, fullname = MEMBER
    if api.user.get(username=user_id) is None:
        api.user.create(
            email=f"{user_id}@example.gov.cn",
            username=user_id,
            password=demo_password(user_id),
            properties={"fullname": fullname},
        )
    expired = _expired(fonds)
    if len(expired) < 4:
        logger.warning("appraisal demo: fewer than four expired records in J001")
        return
    with api.env.adopt_user(username="officer-j001"):
        batches.set_group(fonds, "agency", ["officer-j001", user_id])
        place_hold(expired[0], "诉讼冻结 2026-12", "涉及在审案件，暂停处置")
        batch = batches.propose(
            fonds,
            [r.UID() for r in expired[1:4]],
            title="2026年度到期档案鉴定（第一批）",
            reason="保管期限已满，依规开展到期鉴定",
        )
        batches.record_opinion(
            batch, {"record": "*", "decision": "destroy", "reason": "已无查考利用价值"}
        )
    logger.info("appraisal demo: batch %s in progress, one record under a hold", batch.getId())
