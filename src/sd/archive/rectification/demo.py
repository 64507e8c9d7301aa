"""Demo data of rectification notices (整改通知演示数据, #26): one open notice to J004 (the
supervision demo's agency with gaps in its 文号 series, late records and records due for
transfer) citing its figures, and one overdue notice to J001 whose deadline has passed.

Made by the demo supervisor through the same action as the pages (history and audit trail);
the overdue notice is issued with today's deadline and then dated back, as if issued earlier.
Idempotent: nothing is made when the site has notices already.
"""

from __future__ import annotations

from datetime import timedelta

from plone import api

from sd.archive import logger
from sd.archive.rectification import lists
from sd.archive.rectification import notices


def make_rectification_demo(portal) -> list:
    catalog = api.portal.get_tool("portal_catalog")
    if catalog.unrestrictedSearchResults(portal_type="RectificationNotice"):
        return []
    made = []
    user = "supervisor" if api.user.get(username="supervisor") else None
    today = notices.today()
    with api.env.adopt_user(username=user) if user else api.env.adopt_roles(["Manager"]):
        if notices.find_fonds("J004") is not None:
            figures = lists.metric_figures("J004") or [{"label": "文号缺号（件）", "value": 2}]
            made.append(
                notices.issue(
                    {
                        "fonds": "J004",
                        "title": "关于补齐2024年发文归档并按期移交的整改通知",
                        "text": "经监督指导系统核查，你单位2024年发文（鲁某督发〔2024〕）存在缺号，"
                        "2023年部分文件超期归档，2019年档案到期未移交进馆。请逐项核实，补齐未归档文件，"
                        "对确属作废的文号注明理由，并于期限内书面答复整改情况。",
                        "deadline": (today + timedelta(days=20)).isoformat(),
                        "figures": figures,
                    }
                )
            )
        if notices.find_fonds("J001") is not None:
            notice = notices.issue(
                {
                    "fonds": "J001",
                    "title": "关于规范电子公文归档元数据著录的整改通知",
                    "text": "抽查发现你单位部分电子公文的责任者、文号著录不完整。"
                    "请对2023年度已归档电子公文逐件核对著录项，补正后答复。",
                    "deadline": today.isoformat(),
                    "figures": [{"label": "抽查著录不完整（件）", "value": 5}],
                }
            )
            notice.deadline = today - timedelta(days=10)  # 演示：期限已过（逾期未答复）
            notice.reindexObject()
            made.append(notice)
    logger.info("demo rectification notices: %s", ", ".join(n.notice_number for n in made))
    return made
