"""CSV files of the scheme and the schedule, for editing in a spreadsheet (表格文件导入导出).

Written as UTF-8 with a BOM (Excel opens it as UTF-8) and CRLF line ends, every cell through
:mod:`sd.archive.core.csvcells` (no cell a spreadsheet would run as a formula). Read: UTF-8 with or
without BOM, else GBK/GB18030 (what Excel saves in a Chinese locale). Columns are named in the
first row (see :mod:`sd.archive.core.scheme.fields`); their order is free, unknown columns are
refused. Import is strict: every wrong cell is reported with its line and column and nothing is
returned until the file is clean.
"""

from __future__ import annotations

import csv
import io

from sd.archive.core import csvcells
from sd.archive.core.errors import Problem
from sd.archive.core.scheme import fields
from sd.archive.core.scheme.model import Category
from sd.archive.core.scheme.model import ClassificationScheme
from sd.archive.core.scheme.model import Organisation
from sd.archive.core.scheme.model import RetentionSchedule
from sd.archive.core.scheme.model import ScheduleRule
from sd.archive.core.scheme.model import SchemeError
from sd.archive.core.scheme.model import schedule_problems
from sd.archive.core.scheme.model import scheme_problems

BOM = "\ufeff"


def decode(data: bytes | str) -> str:
    """Text of a CSV file: UTF-8 (BOM optional), else GB18030 (a superset of GBK)."""
    if isinstance(data, str):
        return data.removeprefix(BOM)
    if data.startswith(BOM.encode()):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SchemeError(
            "file is neither UTF-8 nor GBK",
            [Problem("SCHEME-ENCODING", "file is neither UTF-8 nor GBK", "", "file")],
        ) from None


def _encode(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csvcells.writer(out, lineterminator="\r\n").writerows(rows)
    return (BOM + out.getvalue()).encode("utf-8")


def _where(line: int, column: str = "") -> str:
    return f"line {line}" + (f", {column}" if column else "")


def _rows(data, columns, required, prefix):
    """(line number, {column: value}) for each non-blank row; header problems raise."""
    reader = csv.reader(io.StringIO(decode(data)))
    header = [h.strip() for h in next(reader, [])]
    problems = []
    for name in header:
        if name not in columns:
            problems.append(
                Problem(f"{prefix}-HEADER", f"unknown column {name!r}", _where(1, name), "file")
            )
        elif header.count(name) > 1:
            problems.append(
                Problem(f"{prefix}-HEADER", f"column {name!r} twice", _where(1, name), "file")
            )
    for name in required:
        if name not in header:
            problems.append(
                Problem(f"{prefix}-HEADER", f"column {name!r} missing", _where(1), "file")
            )
    if problems:
        raise SchemeError("the CSV header is not valid", problems)
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            problems.append(
                Problem(
                    f"{prefix}-ROW",
                    f"{len(values)} cells, header has {len(header)}",
                    _where(reader.line_num),
                    "file",
                )
            )
            continue
        row = {
            name: (csvcells.restore(values[i].strip()) if i < len(values) else "")
            for i, name in enumerate(header)
        }
        rows.append((reader.line_num, row))
    return rows, problems


# --- classification scheme (分类方案) ---------------------------------------------------------


def read_scheme_csv(data: bytes | str) -> ClassificationScheme:
    """Import a scheme CSV; raise :class:`SchemeError` with all problems found."""
    rows, problems = _rows(data, fields.SCHEME_COLUMNS, fields.SCHEME_REQUIRED, "SCHEME")
    fonds: list[tuple[int, str, str]] = []
    categories, category_places = [], []
    orgs, org_places = [], []
    for line, row in rows:
        kind, code, title = row["类型"], row["代码"], row["名称"]
        if kind == fields.ROW_FONDS:
            fonds.append((line, code, title))
        elif kind == fields.ROW_CATEGORY:
            try:
                start = fields.parse_int(row.get("件号起始") or "1", "件号起始")
                rule = fields.parse_code_rule(row)
            except ValueError as exc:
                problems.append(Problem("SCHEME-VALUE", str(exc), _where(line), "scheme"))
                continue
            categories.append(Category(code, title, start, rule))
            category_places.append(_where(line))
        elif kind == fields.ROW_ORG:
            orgs.append(Organisation(code, title, fields.split_list(row.get("别名", ""))))
            org_places.append(_where(line))
        else:
            message = (
                f"类型 {kind!r}: {fields.ROW_FONDS}, {fields.ROW_CATEGORY} or {fields.ROW_ORG}"
            )
            problems.append(Problem("SCHEME-ROW-TYPE", message, _where(line, "类型"), "scheme"))
    if len(fonds) != 1:
        where = _where(fonds[1][0]) if len(fonds) > 1 else ""
        message = f"exactly one {fields.ROW_FONDS} row needed, found {len(fonds)}"
        problems.append(Problem("SCHEME-FONDS", message, where, "scheme"))
        fonds = fonds or [(0, "", "")]
    line, fonds_code, fonds_name = fonds[0]
    scheme = ClassificationScheme(fonds_code, fonds_name, tuple(categories), tuple(orgs))
    problems += scheme_problems(scheme, _where(line), category_places, org_places)
    if problems:
        raise SchemeError(f"{len(problems)} problems in the scheme file", problems)
    return scheme


def write_scheme_csv(scheme: ClassificationScheme) -> bytes:
    """Export a scheme as CSV (UTF-8 with BOM)."""
    columns = fields.SCHEME_COLUMNS
    rows = [list(columns)]

    def row(**values):
        return [values.get(c, "") for c in columns]

    rows.append(row(类型=fields.ROW_FONDS, 代码=scheme.fonds_code, 名称=scheme.fonds_name))
    for cat in scheme.categories:
        rule = fields.format_code_rule(cat.code_rule)
        rows.append(
            row(
                类型=fields.ROW_CATEGORY,
                代码=cat.code,
                名称=cat.title,
                件号起始=str(cat.numbering_start),
                **rule,
            )
        )
    for org in scheme.organisations:
        rows.append(
            row(
                类型=fields.ROW_ORG,
                代码=org.code,
                名称=org.title,
                别名=fields.join_list(org.aliases),
            )
        )
    return _encode(rows)


# --- retention schedule (归档范围和保管期限表) --------------------------------------------------


def read_schedule_csv(
    data: bytes | str, fonds_code: str = "", scheme: ClassificationScheme | None = None
) -> RetentionSchedule:
    """Import a schedule CSV; with a ``scheme``, categories and org codes must exist in it."""
    rows, problems = _rows(data, fields.SCHEDULE_COLUMNS, fields.SCHEDULE_REQUIRED, "SCHEDULE")
    rules, places = [], []
    for line, row in rows:
        try:
            priority = fields.parse_int(row.get("优先级") or "0", "优先级")
        except ValueError as exc:
            problems.append(
                Problem("SCHEDULE-PRIORITY", str(exc), _where(line, "优先级"), "schedule")
            )
            continue
        conditions = {
            f: fields.split_list(row.get(c, "")) for c, f in fields.RULE_CONDITIONS.items()
        }
        outcome = {f: row.get(c, "") for c, f in fields.RULE_OUTCOME.items()}
        rules.append(
            ScheduleRule(
                id=row["规则编号"],
                priority=priority,
                description=row.get("说明", ""),
                **conditions,
                **outcome,
            )
        )
        places.append(_where(line))
    if scheme is not None and not fonds_code:
        fonds_code = scheme.fonds_code
    schedule = RetentionSchedule(fonds_code, tuple(rules))
    problems += schedule_problems(schedule, scheme, places)
    if problems:
        raise SchemeError(f"{len(problems)} problems in the schedule file", problems)
    return schedule


def write_schedule_csv(schedule: RetentionSchedule) -> bytes:
    """Export a schedule as CSV (UTF-8 with BOM), one rule per row."""
    rows = [list(fields.SCHEDULE_COLUMNS)]
    for rule in schedule.rules:
        values = {"规则编号": rule.id, "优先级": str(rule.priority), "说明": rule.description}
        for column, name in fields.RULE_CONDITIONS.items():
            values[column] = fields.join_list(getattr(rule, name))
        for column, name in fields.RULE_OUTCOME.items():
            values[column] = getattr(rule, name)
        rows.append([values[c] for c in fields.SCHEDULE_COLUMNS])
    return _encode(rows)
