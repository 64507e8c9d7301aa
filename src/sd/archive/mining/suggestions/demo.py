"""Demo data of the suggestions (整理建议演示): fonds J028 with five categories, arranged records
to learn from, records waiting for review, a thesaurus and a trained model.

The J001/J002 demo fonds have one category (文书) each, so they get no arrangement suggestions
(and their pages say so). J028 holds the generated records of ``core.mining.sampledata``:
80 archived records (each with its 正本 PDF, whose text is extracted after archiving as any
other; the model made here reads the description, the scheduler's next training the text too)
and 6 pre-archived records no rule of its schedule decides — four with telling titles, two
with titles that say little. The demo records officer ``officer-j001`` is its records officer
too, so the workbench, the review queue and the record pages show the suggestions. Idempotent.
"""

from __future__ import annotations

import random

from plone import api
from zope.annotation.interfaces import IAnnotations

from sd.archive import logger
from sd.archive import rules
from sd.archive.core import scheme as core_scheme
from sd.archive.core.mining import sampledata
from sd.archive.core.mining.keywords import Term
from sd.archive.core.mining.keywords import Thesaurus
from sd.archive.core.mining.keywords import write_thesaurus_xlsx

FONDS_ID = "j028"
CODE = "J028"
TITLE = "山东省某某厅（智能整理建议演示）"
OFFICER = "officer-j001"
ARRANGED = 80
WAITING = (
    ("2025年3月会计凭证", "报告"),
    ("关于2026年度部门预算的请示", "请示"),
    ("信息化建设综合楼工程竣工验收报告", "报告"),
    ("关于采购档案数字化专用设备的请示", "请示"),
    ("关于道路养护有关事项的通知", "通知"),
    ("关于2025年安全生产工作的报告", "报告"),
)
SYNONYMS = {"预算": ("经费预算",), "会计凭证": ("记账凭证",), "设备采购": ("购置设备",)}


def _metadata(n: int, title: str, doc_type: str, year: int) -> dict:
    return {
        "title": title,
        "record_kind": "电子公文",
        "electronic_record_id": f"OA-37-{year}-{CODE}-{n:05d}",
        "agency_name": TITLE,
        "author": sampledata.AGENCY,
        "document_type": doc_type,
        "security_level": "公开",
        "open_status": "待审",
        "keywords": [],
        "fonds_code": CODE,
        "year": year,
    }


def _file(title: str, text: str):
    """The record's 正本: a PDF with its title and body text (extracted after archiving, like
    any other file, so the next training reads it)."""
    from sd.archive.core.text import render
    from sd.archive.repository import ComponentData

    lines = [title, *[text[i : i + 30] for i in range(0, min(len(text), 240), 30)]]
    return ComponentData(
        filename="正本.pdf",
        data=render.text_pdf([lines]),
        role="正本",
        sequence=1,
        path="正本/正本.pdf",
        format_name="PDF",
        content_type="application/pdf",
    )


def make_mining_demo(portal):
    """Fonds J028 for the suggestions (None when it exists already)."""
    from sd.archive.mining.suggestions import models
    from sd.archive.mining.suggestions import thesaurus
    from sd.archive.numbering import assign_code
    from sd.archive.repository import create_record

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
        )
        notes = IAnnotations(fonds)
        notes[rules.SCHEME_KEY] = core_scheme.write_scheme_xml(sampledata.scheme(CODE)).decode()
        notes[rules.SCHEDULE_KEY] = core_scheme.write_schedule_xml(
            sampledata.schedule(CODE)
        ).decode()
        rng = random.Random(28)  # noqa: S311 - demo data
        for n in range(1, ARRANGED + 1):
            sample = sampledata.record(rng, n, 2020 + n % 5, noise=0.0)
            record = create_record(
                fonds,
                _metadata(n, sample.title, sample.doc_type, sample.year),
                [_file(sample.title, sample.text)],
            )
            assign_code(record, sample.category, sample.year, sample.retention, sample.org_code)
            if sample.rule_id:
                record.arrangement = {"status": "arranged", "rule_id": sample.rule_id}
            api.content.transition(record, transition="archive", comment="演示数据")
        for n, (title, doc_type) in enumerate(WAITING, start=ARRANGED + 1):
            record = create_record(fonds, _metadata(n, title, doc_type, 2025), [_file(title, "")])
            record.arrangement = {
                "status": "pending_review",
                "problems": [
                    {
                        "code": "ARRANGE-NO-RULE",
                        "message": "归档范围与保管期限表中没有适用的规则 / no rule matches",
                    }
                ],
            }
            record.arrangement_status = "pending_review"
            record.reindexObject()
        terms = tuple(
            Term(word, SYNONYMS.get(word, ()))
            for topic in sampledata.TOPICS
            for word in topic.keywords
        )
        unique = tuple({t.term: t for t in terms}.values())
        thesaurus.import_xlsx(fonds, write_thesaurus_xlsx(Thesaurus(unique)))
        if api.user.get(username=OFFICER) is not None:
            api.user.grant_roles(username=OFFICER, obj=fonds, roles=["RecordsOfficer", "Reader"])
        run = models.retrain(fonds, actor="demo")
        for other in models.all_fonds():  # the others say why they get none (one category …)
            if other.fonds_code != CODE:
                models.retrain(other, actor="demo")
    logger.info("demo fonds %s for the suggestions created (%s)", CODE, run.get("status"))
    return fonds
