"""A record version as an AIP (档案信息包): DA/T 46 metadata, components, events.

``build_aip(record, version)`` reads the record's behaviors, its components' blobs (by file
path, never loaded whole) and its lifecycle and preservation events into a core
``AIPRecord``, with the text of the files (``sd.archive.text``) as a derived representation
(:func:`derived_components`). What DA/T 46 has no element for (the workflow state and
history, the system fields, component ids and ``version_of``) travels in the last event, 封装,
as JSON, so that a site can be rebuilt from the AIPs alone (``rebuild``).
"""

from __future__ import annotations

import json
from datetime import date
from datetime import datetime

from DateTime import DateTime
from plone import api
from zope.annotation.interfaces import IAnnotations

from sd.archive.core.digests import digest_bytes
from sd.archive.core.preservation.aip_model import DERIVED_ROLE
from sd.archive.core.preservation.aip_model import AIPRecord
from sd.archive.core.preservation.aip_model import Component
from sd.archive.core.preservation.aip_model import Event
from sd.archive.core.preservation.splice import FORMAT_NAME as SPLICE_FORMAT
from sd.archive.intake.received import is_shared
from sd.archive.numbering import fonds_of
from sd.archive.repository import RECORD_FIELDS
from sd.archive.text import _entries

PACKAGING_ACTION = "封装"
SNAPSHOT_FORMAT = "sd.archive.aip-snapshot/1"
CARRIERS_KEY = "sd.archive.preservation.carriers"
EVENTS_KEY = "sd.archive.preservation.events"
#: where the text of the files is in the AIP (a derived representation, 派生/文本/…, #30)
DERIVED_FOLDER = "派生/文本"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date, DateTime)):
        return value.isoformat() if not isinstance(value, DateTime) else value.ISO8601()
    return str(value)


def _json_value(value):
    if isinstance(value, (datetime, date)):
        return {"__date__" if type(value) is date else "__datetime__": value.isoformat()}
    if isinstance(value, DateTime):
        return {"__datetime__": value.ISO8601()}
    if isinstance(value, (set, frozenset, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return value


def from_json_value(value):
    """The reverse of the snapshot encoding (dates and datetimes)."""
    if isinstance(value, dict):
        if set(value) == {"__date__"}:
            return date.fromisoformat(value["__date__"])
        if set(value) == {"__datetime__"}:
            return datetime.fromisoformat(value["__datetime__"])
        return {k: from_json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json_value(v) for v in value]
    return value


def carriers(record) -> list[str]:
    """脱机载体编号 (DA/T 46 M67): the disc carriers holding this record's AIPs."""
    return list(IAnnotations(record).get(CARRIERS_KEY, ()))


def set_carriers(record, carrier_ids) -> None:
    IAnnotations(record)[CARRIERS_KEY] = tuple(dict.fromkeys([*carriers(record), *carrier_ids]))


def preservation_events(record) -> list[dict]:
    return list(IAnnotations(record).get(EVENTS_KEY, ()))


def add_preservation_event(record, action: str, description: str, actor: str = "system") -> None:
    """Remember a preservation event (保存事件) for the next AIP version of the record."""
    entry = {
        "time": datetime.now().astimezone().isoformat(timespec="seconds"),
        "action": action,
        "actor": actor,
        "description": description,
    }
    IAnnotations(record)[EVENTS_KEY] = (*preservation_events(record), entry)


def components(record) -> list:
    found = [obj for obj in record.objectValues() if getattr(obj, "portal_type", "") == "Component"]
    return sorted(found, key=lambda c: (c.sequence or 0, c.getId()))


def blob_path(component) -> str:
    """The file path of a component's blob (committed or not)."""
    with component.file._blob.open("r") as f:
        return f.name


def dat46_metadata(record) -> dict:
    """DA/T 46 record-level elements from the record's behaviors (著录项)."""
    fonds = fonds_of(record)
    agency = record.agency_name or getattr(fonds, "agency_name", "") or ""
    md = {
        "聚合层次": record.aggregation_level or "文件",
        "立档单位名称": agency,
        "全宗名称": getattr(fonds, "title", "") or "",
        "电子文件号": record.electronic_record_id or record.UID(),
        "全宗号": record.fonds_code or getattr(fonds, "fonds_code", ""),
        "年度": _text(record.year),
        "保管期限": record.retention_period or "",
        "机构或问题": record.org_code or "",
        "类别号": record.category_code or "",
        "室编件号": _text(getattr(record, "item_number", None)),
        "题名": record.title or "",
        "关键词": list(record.keywords or []),
        "摘要": record.abstract or "",
        "文件编号": record.document_number or "",
        "责任者": record.author or agency,
        "日期": _text(record.document_date) or _text(record.year),
        "文种": record.document_type or "",
        "密级": record.security_level or "",
        "页数": _text(record.pages),
        "脱机载体编号": carriers(record),
    }
    return {k: v for k, v in md.items() if v not in ("", [], None)}


def workflow_history(record) -> tuple[str, list[dict]]:
    wf = api.portal.get_tool("portal_workflow")
    chain = wf.getChainFor(record)
    if not chain:
        return "", []
    history = (getattr(record, "workflow_history", None) or {}).get(chain[0], ())
    return chain[0], [dict(h) for h in history]


def snapshot(record) -> dict:
    """What the rebuild needs beyond DA/T 46: fields, state, history, components, fonds."""
    fonds = fonds_of(record)
    wf_id, history = workflow_history(record)
    parent = record.__parent__
    container_path = []
    while parent is not None and parent is not fonds and hasattr(parent, "getId"):
        container_path.insert(
            0, {"id": parent.getId(), "type": parent.portal_type, "title": parent.title}
        )
        parent = parent.__parent__
    fields = {name: getattr(record, name, None) for name in RECORD_FIELDS}
    fields["item_number"] = getattr(record, "item_number", None)
    return _json_value(
        {
            "format": SNAPSHOT_FORMAT,
            "id": record.getId(),
            "uid": record.UID(),
            "archival_code": record.archival_code,
            "fields": {k: v for k, v in fields.items() if v not in (None, "", [])},
            "workflow": wf_id,
            "review_state": api.content.get_state(record, default=None),
            "workflow_history": history,
            "fonds": {
                "id": fonds.getId(),
                "title": fonds.title,
                "fonds_code": fonds.fonds_code,
                "agency_name": fonds.agency_name,
                "code_grammar": getattr(fonds, "code_grammar", None),
            },
            "containers": container_path,
            "components": [
                {
                    "id": c.getId(),
                    "uid": c.UID(),
                    "filename": c.file.filename,
                    "content_type": c.file.contentType,
                    "path": c.path,
                    "sequence": c.sequence,
                    "role": c.role,
                    "format_name": c.format_name,
                    "format_id": getattr(c, "format_id", None),
                    "version_of": getattr(c, "version_of", None),
                    "sm3": c.sm3,
                    "size": c.size,
                }
                for c in components(record)
            ],
        }
    )


def _events(record, snap: dict) -> list[Event]:
    events = []
    for step in record.process_history or []:
        events.append(
            Event(
                _text(step.get("time")) or "-",
                step.get("activity") or "办理",
                step.get("agent") or step.get("department") or "-",
                step.get("description") or "",
            )
        )
    for h in snap["workflow_history"]:
        events.append(
            Event(
                _text(from_json_value(h.get("time"))) or "-",
                h.get("action") or "创建",
                h.get("actor") or "system",
                f"state={h.get('review_state')}"
                + (f"; {h['comments']}" if h.get("comments") else ""),
            )
        )
    for e in preservation_events(record):
        events.append(Event(e["time"], e["action"], e["actor"], e["description"]))
    return events


def component_name(component) -> str:
    return f"{component.getId()}/{component.file.filename or component.getId()}"


def derived_components(record) -> list[Component]:
    """The extracted text (``sd.archive.text``) as AIP components (派生/文本/<component>.txt,
    UTF-8), one per file whose text is available, in component order."""
    entries = _entries(record)
    found = []
    for component in components(record):
        entry = entries.get(component.UID())
        if not entry or entry.get("status") != "ok" or not entry.get("text"):
            continue
        data = entry["text"].encode("utf-8")
        found.append(
            Component(
                f"{DERIVED_FOLDER}/{component_name(component)}.txt",
                DERIVED_ROLE,
                "TXT",
                data,
                digest_bytes(data),
                len(data),
            )
        )
    return found


def derived_fingerprint(record) -> list:
    """What of the text makes a new AIP version (names and digests); [] without text."""
    return [(c.name, c.sm3) for c in derived_components(record)]


def build_aip(record, version: int, snap: dict | None = None, md: dict | None = None) -> AIPRecord:
    """The AIP of ``record`` as version ``version`` (one 文件实体, all components); ``snap`` and
    ``md``: the record's :func:`snapshot` and :func:`dat46_metadata` when the caller has them
    already (the fingerprint of the same version), else read here."""
    snap = snapshot(record) if snap is None else snap
    events = _events(record, snap)
    events.append(
        Event(
            datetime.now().astimezone().isoformat(timespec="seconds"),
            PACKAGING_ACTION,
            "sd.archive",
            json.dumps(snap, ensure_ascii=False, sort_keys=True),
        )
    )
    return AIPRecord(
        uid=record.UID(),
        archival_code=record.archival_code,
        version=version,
        metadata=dat46_metadata(record) if md is None else md,
        components=[aip_component(c) for c in components(record)]
        + derived_components(record),  # the text of the files (派生/文本/…, #30)
        events=events,
    )


def aip_component(component) -> Component:
    """One file of the record as an AIP document (文档): its blob, whole and Base64-encoded.

    The package as received kept as a splice table (``intake.received``) is that table: the
    components it refers to are documents of the same AIP, so the package is stored once
    there too; the 封装 snapshot keeps the package's own SM3 and size, and a rebuild joins the
    table and the components again (``rebuild``)."""
    named = component.file
    if is_shared(named):
        return Component(
            component_name(component),
            component.role or "正本",
            SPLICE_FORMAT,
            named.table_file(),
            named.table_sm3,
            named.table_size,
        )
    return Component(
        component_name(component),
        component.role or "正本",
        component.format_name or "",
        blob_path(component),
        component.sm3,
        component.size,
    )


def fingerprint(record, snap: dict | None = None, md: dict | None = None) -> str:
    """SM3 of what makes a new version: metadata (without carriers) and component digests
    (``snap``, ``md``: as in :func:`build_aip`, left as they are)."""
    md = dict(dat46_metadata(record) if md is None else md)
    md.pop("脱机载体编号", None)
    snap = dict(snapshot(record) if snap is None else snap)
    for key in ("workflow_history", "review_state"):
        snap.pop(key)
    derived = derived_fingerprint(record)  # [] without text: older fingerprints stay the same
    data = json.dumps(
        [md, snap, *([derived] if derived else [])], ensure_ascii=False, sort_keys=True, default=str
    )
    return digest_bytes(data.encode("utf-8"))


def read_snapshot(aip: AIPRecord) -> dict:
    """The 封装 event's JSON of an AIP read back."""
    for event in reversed(aip.events):
        if event.action == PACKAGING_ACTION and event.description.startswith("{"):
            snap = json.loads(event.description)
            if snap.get("format") == SNAPSHOT_FORMAT:
                return snap
    return {}
