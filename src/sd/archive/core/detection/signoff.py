"""Signing off manual results (人工检测签字) in a stored detection report.

A ``manual`` line of a report (a manual item, or an automatic one that could not decide) is
signed off as ``passed`` or ``failed`` by a person holding the role the catalogue names for
the item (``sign_off_role``), with a note; the line keeps who signed and when, and the run's
result is computed again. Pure: the caller stores the new report.
"""

from __future__ import annotations

from collections.abc import Iterable

from sd.archive.core.detection.catalogue import Catalogue
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

OUTCOMES = ("passed", "failed")


def _refuse(message: str, code: str, where: str, status: int = 400, kind: str = "BadRequest"):
    return ArchiveError(message, [Problem(code, message, where, "sign_off")], status, kind)


def run_result(items: Iterable[dict]) -> str:
    """The run's result from its lines (as :attr:`Report.result`)."""
    outcomes = {i.get("result") for i in items}
    if "failed" in outcomes:
        return "failed"
    return "warning" if "warning" in outcomes else "passed"


def signer_item(catalogue: Catalogue, code: str, roles: Iterable[str]):
    """The catalogue item ``code`` when ``roles`` may sign it off (its ``sign_off_role``, or
    Manager); refused (404 no such item, 403 another role) otherwise. Every sign-off — a
    stored report's line, a transfer batch's manual item — asks here."""
    item = next((i for i in catalogue.items if i.code == code), None)
    if item is None:
        raise _refuse("检测项不存在 / no such item", "signoff.item", code, 404, "NotFound")
    roles = set(roles)
    if item.sign_off_role not in roles and "Manager" not in roles:
        raise _refuse(
            f"该项须由 {item.sign_off_role} 签字 / only the {item.sign_off_role} signs this item",
            "signoff.role",
            code,
            403,
            "Forbidden",
        )
    return item


def sign_off(
    report: dict,
    catalogue: Catalogue,
    *,
    code: str,
    obj: str | None,
    outcome: str,
    note: str,
    actor: str,
    roles: Iterable[str],
    when: str,
) -> dict:
    """A copy of ``report`` with the manual line ``code`` (on ``obj`` when given) signed."""
    if outcome not in OUTCOMES:
        raise _refuse(
            "签字结论只能是通过或不通过 / outcome is passed or failed", "signoff.outcome", outcome
        )
    if not (note or "").strip():
        raise _refuse("签字须附说明 / a note is required", "signoff.note", code)
    item = signer_item(catalogue, code, roles)
    lines = [dict(i) for i in report.get("items", [])]
    target = [
        i
        for i in lines
        if i.get("code") == code and i.get("result") == "manual" and obj in (None, i.get("object"))
    ]
    if not target:
        raise _refuse(
            "没有待签字的人工检测结果 / no manual result to sign",
            "signoff.none",
            code,
            409,
            "Conflict",
        )
    for line in target:
        line.update(
            result=outcome,
            signed_by=actor,
            signed_at=when,
            note=note.strip(),
            role=item.sign_off_role,
        )
    return {**report, "items": lines, "result": run_result(lines)}
