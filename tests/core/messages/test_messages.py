"""Domain messages read Chinese first (#24 item 2: 错误信息中文在前)."""

import re
from pathlib import Path

import pytest

from sd.archive.core.codes.checks import check_number
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import DetectionFailed
from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem
from sd.archive.core.messages import code_phrase
from sd.archive.core.messages import starts_chinese
from sd.archive.core.messages import zh_first

SRC = Path(__file__).parents[3] / "src" / "sd" / "archive"


@pytest.mark.parametrize(
    ("message", "code", "type_", "expected"),
    [
        # a Chinese note at the end moves to the front
        ("a reason is required (更正须说明理由)", "", "", "更正须说明理由: a reason is required"),
        # the rule code's phrase heads an English message
        (
            "archival code already in use",
            "CODE-UNIQUE",
            "",
            "档号已被使用: archival code already in use",
        ),
        # a family's phrase when the code has none of its own
        ("bad root hash", "LEDGER-BUNDLE-ROOT", "", "证据包有误: bad root hash"),
        (
            "entry escapes the package",
            "zip.path-traversal",
            "",
            "信息包不可读或不安全: entry escapes the package",
        ),
        # a detection item's own title
        (
            "SM3 digest differs",
            "GD-1-1",
            "",
            "固化信息有效性（清单摘要值）未通过: SM3 digest differs",
        ),
        # a message already in Chinese stays as it is
        ("退回须说明理由 / give a reason", "REVIEW-REASON", "", "退回须说明理由 / give a reason"),
        ("无法识别的格式 / unknown format", "GD-3-4", "", "无法识别的格式 / unknown format"),
        # Chinese start, but the code's phrase says more: prefixed
        ("件号 '7': exactly 4 digits", "CODE-ITEM", "", "件号不符: 件号 '7': exactly 4 digits"),
        # no code: the type, else the generic phrase
        ("no such rejection", "", "NotFound", "未找到: no such rejection"),
        ("something odd", "", "", "操作未完成: something odd"),
    ],
)
def test_zh_first(message, code, type_, expected):
    assert zh_first(message, code, type_) == expected
    assert zh_first(expected, code, type_) == expected  # idempotent


def test_problem_and_error_read_chinese_first_and_keep_their_codes():
    problem = check_number("ITEM", "件号", "7", 4)
    assert problem.code == "CODE-ITEM" and problem.property == "archival_code"
    assert problem.message.startswith("件号不符: ")
    error = ArchiveError(
        "archival code already in use", [Problem("CODE-UNIQUE", "in use")], 409, "CodeNotUnique"
    )
    assert str(error) == error.message == "档号已被使用: archival code already in use"
    body = error.as_dict()
    assert body["type"] == "CodeNotUnique" and body["errors"][0]["code"] == "CODE-UNIQUE"
    assert body["errors"][0]["message"] == "档号已被使用: in use"
    # a problem made again from its stored dict does not grow
    again = Problem(**body["errors"][0])
    assert again.message == body["errors"][0]["message"]


def test_subclasses_read_chinese_first():
    assert PackageError("not a ZIP file").message == "信息包不可读或不安全: not a ZIP file"
    failed = DetectionFailed("detection failed", [Problem("GD-1-1", "x"), Problem("GD-2-7", "y")])
    assert failed.message == "四性检测不通过: detection failed" and failed.status == 422


PATTERNS = (
    re.compile(
        r'(?:Problem|_problem|problem|refuse|_refuse)\(\s*(?:code=)?"([A-Za-z][\w.-]*[-.][\w.-]+)"'
    ),
    re.compile(r'problem\(\s*\d{3},\s*"\w+",\s*(?:f?"[^"]*"|\w+),\s*"([\w.-]+)"', re.S),
)


def literal_codes():
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            for match in pattern.finditer(text):
                yield match.group(1), path.relative_to(SRC)


def test_every_literal_rule_code_has_a_chinese_phrase():
    codes = dict(literal_codes())
    assert len(codes) > 200
    missing = sorted(f"{code} ({where})" for code, where in codes.items() if not code_phrase(code))
    assert not missing, missing


def test_every_message_reads_chinese_first_whatever_its_code():
    for code, _where in literal_codes():
        assert starts_chinese(Problem(code, "an English message").message), code


def test_audit_chain_check_reasons_read_chinese_first():
    from sd.archive.core.audit.check import Anchor
    from sd.archive.core.audit.check import check_chain
    from sd.archive.core.audit.entry import Event
    from sd.archive.core.audit.entry import chain_all

    entries = chain_all([Event(f"action-{i}", actor="admin") for i in range(4)], None)
    assert check_chain(entries[:1] + entries[2:]).reason.startswith("审计条目缺失: entry 1")
    result = check_chain(entries[:2], Anchor(3, entries[3].hash))
    assert result.reason.startswith("审计条目被删除: the trail ends at 1")
