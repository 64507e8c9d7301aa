"""Helpers of the suggestion tests: archived and pending records with file text."""

from __future__ import annotations

from plone import api
from zope.annotation.interfaces import IAnnotations

from sd.archive import rules
from sd.archive.core import scheme as core_scheme
from sd.archive.core.mining import sampledata
from sd.archive.numbering import assign_code
from sd.archive.testing import make_record
from sd.archive.text import TEXT_KEY

BUDGET = ("关于{}年度部门预算的请示", "根据预算编制要求，现将部门预算草案报请审核。财政拨款。")
VOUCHER = ("{}年会计凭证", "本月共编制记账凭证，附原始凭证。借方科目为业务费，贷方科目为银行存款。")


def _text(record, text: str) -> None:
    IAnnotations(record)[TEXT_KEY] = {"c1": {"text": text, "sequence": 1, "status": "ok"}}


def _arranged(fonds, n, title, text, category, retention, org, doc_type="请示"):
    record = make_record(
        fonds, n, title=title, document_type=doc_type, author="省财政厅", year=2023
    )
    _text(record, text)
    assign_code(record, category, 2023, retention, org)
    api.content.transition(record, transition="archive")
    return record


def _pending(fonds, n, title, text="", doc_type="请示"):
    record = make_record(fonds, n, title=title, document_type=doc_type, year=2024)
    _text(record, text)
    record.arrangement = {"status": "pending_review", "problems": []}
    record.arrangement_status = "pending_review"
    record.reindexObject()
    return record


def set_up_scheme(fonds) -> None:
    """The generated scheme (five categories) and schedule on ``fonds``."""
    notes = IAnnotations(fonds)
    code = fonds.fonds_code
    notes[rules.SCHEME_KEY] = core_scheme.write_scheme_xml(sampledata.scheme(code)).decode()
    notes[rules.SCHEDULE_KEY] = core_scheme.write_schedule_xml(sampledata.schedule(code)).decode()


def learn_from(fonds, count: int = 12) -> None:
    """``count`` archived budget requests (WS/Y) and as many vouchers (KJ/D30)."""
    for i in range(count):
        _arranged(fonds, 100 + i, BUDGET[0].format(2010 + i), BUDGET[1], "WS", "Y", "CWC")
        _arranged(
            fonds, 200 + i, VOUCHER[0].format(2010 + i), VOUCHER[1], "KJ", "D30", "CWC", "报告"
        )
