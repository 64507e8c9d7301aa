"""Holdings look-ups for detection (检测上下文), backed by the catalog and the fonds' rules.

``holdings_context(fonds, ...)`` returns a ``DetectionContext`` whose callables answer what the
domain core cannot know: whether an archival code follows the fonds' code rule (the rule comes
from ``sd.archive.rules``, the grammar from ``sd.archive.core.codes``), whether 档号 and
电子文件号 are already taken, whether the 件号 fits its series, and whether a schedule rule
places the record inside the archiving scope.
"""

from __future__ import annotations

from Products.CMFCore.indexing import processQueue
from Products.CMFCore.utils import getToolByName
from Products.ZCatalog.query import IndexQuery

from sd.archive import rules
from sd.archive.core import codes
from sd.archive.core.arrangement import RecordFacts
from sd.archive.core.arrangement import matches
from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.detection.fido_identify import fido_puid
from sd.archive.seals import signature_verifier

CATALOG_ELEMENT_INDEX = {"档号": "archival_code", "电子文件号": "electronic_record_id"}


def facts_of(metadata) -> RecordFacts:
    """What arrangement looks at (整理依据), from a package's 元数据.xml."""
    service = metadata.government_service
    process = metadata.process or []
    hint = next((step.department for step in process if step.department), "")
    if service is not None and not hint:
        hint = service.department or ""
    values = {
        "类型": metadata.kind,
        "文种": metadata.doc_type,
        "题名": metadata.title,
        "责任者": metadata.author,
        "年度": str(metadata.year_int) if metadata.year_int else None,
        "日期": (metadata.date or "")[:10] or None,
        "全宗号": metadata.fonds_code,
        "门类代码": metadata.category,
        "保管期限": metadata.retention,
        "机构或问题": metadata.org_code,
        "所在部门": hint,
    }
    if service is not None:
        values.update({"事项编码": service.item_code, "事项名称": service.item_name})
    try:
        return RecordFacts.from_mapping(values)
    except ValueError:  # a bad 日期 is reported by detection (GD-1-3)
        values.pop("日期")
        return RecordFacts.from_mapping(values)


class Holdings:
    """Catalog-backed answers about one fonds (馆藏查询)."""

    def __init__(self, fonds):
        self.fonds = fonds
        self.catalog = getToolByName(fonds, "portal_catalog")
        self.scheme = rules.fonds_scheme(fonds)
        self.schedule = rules.fonds_schedule(fonds)

    def _find(self, index: str, value) -> list[int]:
        """Catalog entries (rids) of this fonds' records whose ``index`` is ``value``.

        An exact look-up in the field index itself, filtered by the entries' fonds and
        type: a catalog search would also ask Acquisition for its sort settings through the
        whole site (~0.5 ms each, three per package) and intersect with every record of
        the fonds. Pending reindexing is done first, as a search would."""
        processQueue()
        catalog = self.catalog._catalog
        found = catalog.getIndex(index).query_index(IndexQuery({index: value}, index))
        if not found:
            return []
        types, fonds = catalog.getIndex("portal_type"), catalog.getIndex("fonds_code")
        return [
            rid
            for rid in found
            if types.getEntryForObject(rid) == "Record"
            and fonds.getEntryForObject(rid) == self.fonds.fonds_code
        ]

    def record(self, record_id: str | None):
        """The record of this fonds with 电子文件号 ``record_id`` (unrestricted), or None."""
        found = self._find("electronic_record_id", record_id) if record_id else None
        if not found:
            return None
        return self.catalog.unrestrictedTraverse(self.catalog.getpath(found[0]))

    def rule(self, category: str | None) -> codes.CodeRule | None:
        try:
            return rules.code_rule(self.fonds, category)
        except KeyError:
            return None

    # -- DetectionContext callables -------------------------------------------------

    def code_validator(self, code: str, metadata) -> list[str]:
        """档号 follows the fonds' code rule for its 门类 and agrees with its parts (GD-1-7)."""
        category = metadata.category or code.partition("-")[2].split("·", 1)[0]
        rule = self.rule(category)
        if rule is None:
            return [
                f"门类 {category!r} 不在全宗 {self.fonds.fonds_code} 的分类方案中 / "
                "category not in the fonds' scheme"
            ]
        problems = codes.validate(code, rule)
        if problems:
            return [f"{p.code}: {p.message}" for p in problems]
        parts = codes.parse(code, rule)
        declared = {
            "全宗号": (parts.fonds_code, metadata.fonds_code),
            "门类代码": (parts.category, metadata.category),
            "年度": (
                str(parts.year),
                str(metadata.year_int) if metadata.year_int else metadata.year,
            ),
            "保管期限": (parts.retention, metadata.retention),
            "机构或问题": (parts.org_code, metadata.org_code if rule.use_org else ""),
            "件号": (
                str(parts.item_number),
                str(metadata.item_number_int) if metadata.item_number_int else metadata.item_number,
            ),
        }
        messages = [
            f"档号中的{label} {in_code!r} 与元数据 {given!r} 不符 / code part differs"
            for label, (in_code, given) in declared.items()
            if given not in (None, "") and in_code != given
        ]
        if parts.fonds_code != self.fonds.fonds_code:
            messages.append(f"档号的全宗号 {parts.fonds_code} 不是 {self.fonds.fonds_code}")
        return messages

    def is_unique(self, element: str, value: str, metadata) -> bool:
        """档号 / 电子文件号 not yet in this fonds (GD-1-8)."""
        index = CATALOG_ELEMENT_INDEX.get(element)
        if index is None:
            return True
        if element == "档号":
            rule = self.rule(metadata.category)
            if rule is not None and codes.is_valid(codes.normalise(value), rule):
                value = codes.render(codes.parse(codes.normalise(value), rule), rule)
        return not self._find(index, value)

    def continuity(self, metadata) -> list[str]:
        """The 件号 neither repeats a number of its series nor lies before the series start.

        Gaps are not checked here: systems with an archiving function number their records
        themselves and may send them out of order, so a record numbered 20 after 1 is
        archived. The series is checked for gaps as a whole when an outgoing transfer takes
        it (移交前连续性检查, ``sd.archive.transfer.continuity.check``: refused with 409 until
        each missing number has a recorded reason) and again by the receiving side (YJ-2-6 on
        the package, ``continuity.package_series_check``).
        """
        rule = self.rule(metadata.category)
        code = metadata.archival_code
        if rule is None or not code or not codes.is_valid(codes.normalise(code), rule):
            return []  # GD-1-7 reports it
        parts = codes.parse(codes.normalise(code), rule)
        category = self.scheme.category(parts.category)
        start = category.numbering_start if category is not None else 1
        # a repeat is the same canonical 档号 (same series, same 件号): one index lookup, not
        # a walk over the series, so the check costs the same at 10 or 100,000 records
        numbers = [parts.item_number]
        if self._find("archival_code", codes.render(parts, rule)):
            numbers.append(parts.item_number)
        return [
            issue.as_problem(str(codes.series_key(parts, rule))).message
            for issue in codes.check_continuity(numbers, start)
            if issue.kind != "gap" and issue.first == parts.item_number
        ]

    def scope_matcher(self, metadata) -> bool | None:
        """Inside the archiving scope when a schedule rule covers the record (GD-2-9)."""
        facts = facts_of(metadata)
        if any(matches(rule, facts) for rule in self.schedule.rules):
            return True
        return None

    def context(self, declared_package_digest: str | None = None) -> DetectionContext:
        return DetectionContext(
            code_validator=self.code_validator,
            is_unique=self.is_unique,
            continuity=self.continuity,
            scope_matcher=self.scope_matcher,
            signature_verifier=signature_verifier,
            format_identifier=fido_puid,
            declared_package_digest=declared_package_digest,
        )
