"""The JSON of a rectification notice (整改通知) as every rectification endpoint answers it,
and its PDF's input (times in Beijing time)."""

from __future__ import annotations

from sd.archive.core.access.period import beijing_text
from sd.archive.core.rectification import rules
from sd.archive.rectification import notices


def notice_json(notice) -> dict:
    state = notices.state_of(notice)
    return {
        "@id": notice.absolute_url(),
        "@type": "RectificationNotice",
        "UID": notice.UID(),
        "notice_number": notice.notice_number,
        "fonds": notice.fonds_code,
        "agency_name": notice.agency_name,
        "title": notice.Title(),
        "text": notice.text or "",
        "figures": [dict(f) for f in notice.figures or ()],
        "records": notices.record_rows(notice.records),
        "deadline": notice.deadline.isoformat() if notice.deadline else None,
        "state": state,
        "overdue": notices.overdue(notice),
        "days_overdue": rules.days_overdue(state, notice.deadline, notices.today()),
        "issuer": notice.issuer,
        "answer": notice.answer or "",
        "answer_records": notices.record_rows(notice.answer_records),
        "answered_by": notice.answered_by or "",
        "decision_comment": notice.decision_comment or "",
        "history": [dict(h) for h in getattr(notice, "history", None) or ()],
        "pdf": f"{notice.absolute_url()}/@@rectification-notice.pdf",
    }


def pdf_input(notice) -> dict:
    """:func:`sd.archive.core.rectification.pdf.notice_pdf`'s dict of ``notice``."""
    body = notice_json(notice)
    history = [{**h, "time": beijing_text(h["time"])} for h in body["history"]]
    return {
        "number": body["notice_number"],
        "agency": body["agency_name"],
        "fonds": body["fonds"],
        "title": body["title"],
        "text": body["text"],
        "deadline": body["deadline"] or "",
        "state": body["state"],
        "issuer": body["issuer"],
        "issued": history[0]["time"] if history else "",
        "figures": body["figures"],
        "records": body["records"],
        "answer": body["answer"],
        "answered_by": body["answered_by"],
        "answer_records": body["answer_records"],
        "decision_comment": body["decision_comment"],
        "history": history,
    }
