"""The annual statistics report (档案统计年报): filled, reviewed and signed off by a person.

One report per form, scope and year (``room:J001:2025`` — an agency's records room;
``archives:all:2025`` — the archives), kept in the site's annotations (a few a year). Its
computed cells are read from the figures each time while it is a draft; when a person signs
it off (审核签发) the figures are frozen into it with who and when, and it no longer changes
until reopened with a reason. Every save, sign-off and reopening is in the audit trail.

Who: the agency's records officer (``Archive records`` on the fonds) fills and signs the
room report; the archives' staff (``Receive records``) the archives report; supervisors read
both.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api

from sd.archive import audit
from sd.archive.core.access.period import beijing_today
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.errors import bad_request
from sd.archive.core.statistics import annual
from sd.archive.sitedata import site_tree
from sd.archive.statistics import access
from sd.archive.statistics import figures

KEY = "sd.archive.statistics.reports"


def _key(form: str, year: int, fonds_code: str | None) -> str:
    return f"{form}:{fonds_code or 'all'}:{year}"


def check(form, year, fonds_code) -> tuple[str, int, str | None]:
    """The report's form, year and agency checked (400 naming the field)."""
    form = annual.check_form(form)
    year = annual.check_year(year, beijing_today().year)
    if form == annual.ROOM:
        if not fonds_code:
            raise bad_request(
                "the records-room report is of one agency: name its fonds (请指定全宗)",
                "annual.fonds",
                "fonds",
            )
        access.scope(fonds_code)
    else:
        fonds_code = None
        access.scope(None)
    return form, year, fonds_code


def may_write(form: str, fonds_code: str | None) -> bool:
    if form == annual.ROOM:
        fonds = next((f for f in access.all_fonds() if f.fonds_code == fonds_code), None)
        return fonds is not None and api.user.has_permission(access.ARCHIVE, obj=fonds)
    return api.user.has_permission(access.RECEIVE, obj=api.portal.get())


def stored(form: str, year: int, fonds_code: str | None, create: bool = False):
    tree = site_tree(api.portal.get(), KEY, create=create)
    if tree is None:
        return None
    key = _key(form, year, fonds_code)
    if key not in tree and create:
        tree[key] = PersistentMapping(
            {
                "form": form,
                "year": year,
                "fonds": fonds_code or "",
                "manual": PersistentMapping(),
                "state": annual.DRAFT,
                "figures": None,
                "signed_by": "",
                "signed_at": "",
                "history": PersistentList(),
            }
        )
    return tree.get(key)


def report(form, year, fonds_code=None) -> dict:
    """The report as it reads now: its rows (computed and filled-in cells), state, sign-off."""
    form, year, fonds_code = check(form, year, fonds_code)
    data = stored(form, year, fonds_code)
    state = data["state"] if data else annual.DRAFT
    numbers = dict(data["figures"]) if data and data["figures"] else None
    if numbers is None:
        numbers = figures.annual_figures(form, year, fonds_code)
    manual = dict(data["manual"]) if data else {}
    return {
        "form": form,
        "title": f"{year}年度{annual.FORM_TITLES[form]}",
        "year": year,
        "fonds": fonds_code or "",
        "state": state,
        "state_title": annual.STATE_WORDS[state],
        "rows": annual.fill(form, numbers, manual),
        "missing": annual.missing_manual(form, manual),
        "signed_by": data["signed_by"] if data else "",
        "signed_at": data["signed_at"] if data else "",
        "history": [dict(h) for h in (data["history"] if data else ())],
        "may_write": may_write(form, fonds_code),
    }


def _conflict(message: str, code: str) -> ArchiveError:
    return ArchiveError(message, [Problem(code, message, "", "state")], 409, "Conflict")


def _step(data, action: str, comment: str = "") -> None:
    actor = audit.actor()
    data["history"].append(
        {
            "action": action,
            "actor": actor,
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "comment": comment,
        }
    )
    audit.log(
        f"statistics.report-{action}",
        api.portal.get(),
        who=actor,
        details={
            "form": data["form"],
            "year": data["year"],
            "fonds": data["fonds"],
            "comment": comment,
        },
    )


def act(form, year, fonds_code, action: str, manual=None, comment=None) -> dict:
    """``save`` the filled-in cells, ``sign`` the report off, or ``reopen`` it (with a reason)."""
    form, year, fonds_code = check(form, year, fonds_code)
    if action not in ("save", "sign", "reopen"):
        raise bad_request(
            "action must be save, sign or reopen (操作无效)", "annual.action", "action"
        )
    if not may_write(form, fonds_code):
        raise ArchiveError(
            "only the records room's officer or the archives' staff fill in and sign this report "
            "(只有本机关档案员或档案馆人员能填报、签发此报表)",
            [Problem("annual.not-allowed", "write", "", "")],
            403,
            "Forbidden",
        )
    values = annual.check_manual(form, manual) if manual is not None else None
    if comment is not None and not isinstance(comment, str):
        raise bad_request("comment must be text (说明须为文本)", "annual.comment", "comment")
    comment = (comment or "").strip()[:2000]
    data = stored(form, year, fonds_code, create=True)
    if action in ("save", "sign") and data["state"] == annual.SIGNED:
        raise _conflict(
            "the report is signed off; reopen it first (报表已签发，须先退回)", "annual.signed"
        )
    if values is not None:
        data["manual"].update(values)
    if action == "save":
        _step(data, "saved", ", ".join(sorted(values or ())))
    elif action == "sign":
        missing = annual.missing_manual(form, dict(data["manual"]))
        if missing:
            raise bad_request(
                "fill in every cell before signing off (尚有未填报的指标): " + ", ".join(missing),
                "annual.incomplete",
                ",".join(missing),
            )
        data["figures"] = PersistentMapping(figures.annual_figures(form, year, fonds_code))
        data["state"] = annual.SIGNED
        data["signed_by"] = audit.actor()
        data["signed_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        _step(data, "signed", comment)
    else:
        if data["state"] != annual.SIGNED:
            raise _conflict("only a signed report is reopened (报表未签发)", "annual.not-signed")
        if not comment:
            raise bad_request("say why it is reopened (请说明退回理由)", "annual.reason", "comment")
        data["state"] = annual.DRAFT
        data["figures"] = None
        data["signed_by"] = data["signed_at"] = ""
        _step(data, "reopened", comment)
    return report(form, year, fonds_code)


def export_rows(body: dict) -> tuple[list, list[list]]:
    header = ["指标代码", "指标", "计量单位", "数值", "来源"]
    return header, [
        [r["code"], r["label"], r["unit"], r["value"], r["source"]] for r in body["rows"]
    ]
