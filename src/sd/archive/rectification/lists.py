"""Lists of rectification notices (整改通知列表) and the supervision figures a notice cites:
catalog queries only, no notice woken."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from DateTime import DateTime
from plone import api

from sd.archive.core.rectification import rules
from sd.archive.rectification import notices


def catalog_notices(**query) -> list:
    """Catalog brains of the notices the current user may see (the catalog's own security:
    supervisors see all, an officer those of their agency), newest first."""
    return api.portal.get_tool("portal_catalog").searchResults(
        portal_type="RectificationNotice", sort_on="created", sort_order="reverse", **query
    )


def overdue_notices(fonds_codes=None) -> list:
    """Notices still owed an answer whose deadline is over (逾期未答复), as the current user
    may see them; ``fonds_codes`` narrows them to some agencies."""
    first_of_today = DateTime(
        datetime.combine(notices.today(), datetime.min.time()).isoformat() + "+08:00"
    )
    query = {
        "review_state": list(rules.OPEN_STATES),
        "end": {
            "query": first_of_today - timedelta(minutes=1).total_seconds() / 86400,
            "range": "max",
        },
    }
    if fonds_codes is not None:
        query["fonds_code"] = list(fonds_codes)
    return [b for b in catalog_notices(**query)]


# -- figures from the supervision metrics ----------------------------------------------------

#: (label, section, key) of the supervision figures a notice cites (监督指标)
METRIC_FIGURES = (
    ("文号缺号（件）", "completeness", "number_gaps"),
    ("申报数与归档数差额（件）", "completeness", "declared_shortfall"),
    ("电子文件组件缺失（件）", "completeness", "components_missing"),
    ("超期归档（件）", "timeliness", "late"),
    ("到期未移交进馆（件）", "timeliness", "due_for_transfer"),
    ("每千个信息包退回数", "quality", "rejections_per_1000"),
)


def metric_figures(fonds_code: str, year: int | None = None) -> list[dict]:
    """The figures of the agency's supervision metrics worth citing (the non-zero ones), each
    linked to the agency's supervision page; ``[]`` when the metrics are not there."""
    try:
        from sd.archive.supervision.metrics import agency_metrics
    except ImportError:  # the supervision area is not installed
        return []
    fonds = notices.find_fonds(fonds_code)
    if fonds is None:
        return []
    metrics = agency_metrics(fonds, year)
    # a site path, not a URL: the demo makes notices in a script, where the URL is http://nohost
    link = f"{fonds.absolute_url_path()}/@@supervision-agency" + (f"?year={year}" if year else "")
    figures = []
    for label, section, key in METRIC_FIGURES:
        value = (metrics.get(section) or {}).get(key)
        if value:
            figures.append({"label": label, "value": value, "link": link})
    missing = (metrics.get("completeness") or {}).get("scope_missing") or []
    if missing:
        figures.append(
            {"label": "归档范围内无档案的门类", "value": "、".join(missing), "link": link}
        )
    return figures
