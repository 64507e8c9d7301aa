"""Records for the access tests (档案利用): a record whose PDF holds real text, moved to a
lifecycle state. Imported by tests/plone/access and tests/browser (a unique module name)."""

from plone import api

from sd.archive.demo_parts import pdf_bytes
from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record

PATHS = {
    "archived": ["archive"],
    "received": ["archive", "request_transfer", "transfer", "receive"],
    "open": ["archive", "request_transfer", "transfer", "receive", "open"],
    "controlled": ["archive", "request_transfer", "transfer", "receive", "control"],
    "pre_archived": [],
}


def real_record(fonds, n, state, extra=(), **metadata):
    """A record of ``fonds`` whose PDF holds real text, moved to ``state``."""
    values = {
        "title": f"关于档案利用工作的通知（{n}）",
        "record_kind": "电子公文",
        "electronic_record_id": f"OA-{fonds.fonds_code}-A{n:05d}",
        "fonds_code": fonds.fonds_code,
        "year": 2023,
        "retention_period": "Y",
        **metadata,
    }
    data = pdf_bytes(values["title"], ["正文内容：档案利用测试", f"第 {n} 件"])
    record = create_record(
        fonds,
        values,
        [
            ComponentData(
                filename="正本.pdf",
                data=data,
                role="正本",
                sequence=1,
                content_type="application/pdf",
                format_name="PDF",
            ),
            *extra,
        ],
    )
    if state != "pre_archived":
        assign_code(record, "WS", 2023, "Y", "BGS")
    for transition in PATHS[state]:
        api.content.transition(record, transition=transition)
    return record
