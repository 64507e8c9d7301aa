"""``SearchableText`` of a record (件的全文): its description fields and the text of its files.

What staff search a record by, in one text for the jieba index: 题名, 档号, 文号, 电子文件号,
责任者, 主题词, 机构或问题, 立档单位, 文种, 摘要 and 说明 (description), then the text of its
files (``sd.archive.text.record_text``: kept in an annotation of the record, so reading it
wakes the record only — never its components or their blobs).
"""

from plone.indexer import indexer

from sd.archive.core.search.segment import BODY
from sd.archive.interfaces import IRecord

try:
    from sd.archive.text import record_text
except ImportError:  # the text module not there yet (#30 item 2): metadata only

    def record_text(record):
        return ""


#: the record's own fields, in the order a snippet reads them
FIELDS = (
    "title",
    "archival_code",
    "document_number",
    "electronic_record_id",
    "author",
    "keywords",
    "org_code",
    "agency_name",
    "document_type",
    "abstract",
    "description",
)


def metadata_text(record) -> str:
    """The description fields of a record as one text (著录项文本)."""
    parts = []
    for name in FIELDS:
        value = getattr(record, name, None)
        if not value:
            continue
        if isinstance(value, list | tuple):
            parts.extend(str(v) for v in value if v)
        else:
            parts.append(str(value))
    return "\n".join(parts)


@indexer(IRecord)
def record_searchable_text(obj):
    text = record_text(obj)
    meta = metadata_text(obj)
    # the file text after BODY: the index keeps no character sequence of it (core/search)
    return f"{meta}{BODY}{text}" if text else meta


@indexer(IRecord)
def record_keywords(obj):
    """主题词 for the KeywordIndex ``keywords``."""
    return tuple(k for k in (getattr(obj, "keywords", None) or ()) if k)
