"""Demo of appraisal and destruction (鉴定与销毁演示, #25), idempotent.

In fonds J001: the appraisal group (鉴定小组) of the records room — the records officer and a
second member ``appraiser-j001`` (password ``appraiser-j001-demo``, 鉴定小组成员); one expired
record under a hold (诉讼冻结); a batch in progress (鉴定中) of three expired records with the
officer's opinion recorded and the second member's still to come; two more expired records
left on the due list for a new proposal. The agency's leader ``leader-j001`` (机关领导,
``AgencyLeader`` on J001, password ``leader-j001-demo``) approves once the batch is submitted;
the archives' leader ``leader`` (档案馆领导) approves holdings batches. Nothing is destroyed
here: the demo's tombstones are the expired D10 records ``demo.make_records`` destroys (never
a permanent one).
"""

from __future__ import annotations

from plone import api

from sd.archive import logger
from sd.archive.demo_parts import demo_user

from . import batches

MEMBER = ("appraiser-j001", "J001 鉴定小组成员")
#: the agency's leader (机关领导) of J001: approves the records room's batches; holdings
#: batches are approved by the archives' leader (``leader``, global ``Leader``)
AGENCY_LEADER = ("leader-j001", "J001 机关领导")


def _agency_leader(fonds) -> None:
    """``leader-j001``: AgencyLeader (and Reader) on J001, idempotent."""
    user_id, fullname = AGENCY_LEADER
    demo_user(user_id, fullname)
    have = set(api.user.get_roles(username=user_id, obj=fonds, inherit=False))
    if not {"AgencyLeader", "Reader"} <= have:
        api.user.grant_roles(username=user_id, obj=fonds, roles=["AgencyLeader", "Reader"])


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
    if fonds is None:
        return
    _agency_leader(fonds)
    if batches.batches_of(fonds):
        return
    from sd.archive.holds import place_hold

    user_id, fullname = MEMBER
    demo_user(user_id, fullname)
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
