"""The control files of a DA/T 93-2022 transfer package (移交信息包的说明文件与目录文件):
``说明文件.TXT`` (key：value), ``目录文件.XML`` (one <文件> row per record) and their one-to-one
correspondence with the record folders."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sd.archive.core.errors import Problem
from sd.archive.core.packages.xmlsafe import parse_xml
from sd.archive.core.packages.zipsafe import refuse

DESCRIPTION_NAME = "说明文件.TXT"
CATALOGUE_NAME = "目录文件.XML"
OTHER_FOLDER = "其他"
DESCRIPTION_REQUIRED = ("移交单位", "内容描述", "起止档号", "档案数量", "软硬件环境")
CATALOGUE_ELEMENTS = (
    "顺序号",
    "档号",
    "责任者",
    "题名",
    "日期",
    "保管期限",
    "密级",
    "页数",
    "备注",
)
#: the package-level problem of a catalogue that does not correspond to the folders
CATALOGUE_MISMATCH = "transfer.catalogue-mismatch"
_KEY_VALUE = re.compile(r"^\s*([^:：]+?)\s*[:：]\s*(.*?)\s*$")


def parse_description(data: bytes) -> dict[str, str]:
    """Parse 说明文件.TXT (说明文件解析): UTF-8 (BOM allowed), else GB18030/GBK."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise refuse(
                "transfer.description-encoding",
                "说明文件 is neither UTF-8 nor GBK",
                DESCRIPTION_NAME,
            ) from None
    values: dict[str, str] = {}
    for line in text.splitlines():
        match = _KEY_VALUE.match(line)
        if match:
            values[match.group(1)] = match.group(2)
    return values


def render_description(values: dict[str, str]) -> bytes:
    """Write 说明文件.TXT (生成说明文件): UTF-8, full-width colon, CRLF as on Windows."""
    return "".join(f"{k}：{v}\r\n" for k, v in values.items()).encode("utf-8")


@dataclass
class CatalogueRow:
    """One <文件> row of 目录文件.XML (目录条目); values raw, keyed by element name."""

    values: dict[str, str]

    @property
    def archival_code(self) -> str:
        return self.values.get("档号", "")


def parse_catalogue(data: bytes, max_size: int) -> list[CatalogueRow]:
    """Parse 目录文件.XML (目录文件解析) safely."""
    root = parse_xml(data, CATALOGUE_NAME, max_size)
    if root.tag != "文件目录":
        raise refuse(
            "transfer.catalogue-root", f"root is <{root.tag}>, expected <文件目录>", CATALOGUE_NAME
        )
    rows = []
    for row in root.findall("文件"):
        rows.append(
            CatalogueRow(
                {
                    child.tag: "".join(child.itertext()).strip()
                    for child in row
                    if isinstance(child.tag, str)
                }
            )
        )
    return rows


def render_catalogue(rows: list[CatalogueRow]) -> bytes:
    """Write 目录文件.XML (生成目录文件)."""
    from lxml import etree

    root = etree.Element("文件目录")
    for row in rows:
        item = etree.SubElement(root, "文件")
        for name in CATALOGUE_ELEMENTS:
            etree.SubElement(item, name).text = row.values.get(name) or None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def correspondence_problems(catalogue: list[CatalogueRow], folders) -> list[Problem]:
    """目录文件 and record folders correspond one to one (目录与文件夹对应), or the package is
    refused as a whole: one problem per 档号 listed twice, catalogued without a folder, in a
    folder not catalogued, or in two folders. Equal counts do not hide a swap."""
    listed: dict[str, int] = {}
    for row in catalogue:
        listed[row.archival_code] = listed.get(row.archival_code, 0) + 1
    present: dict[str, int] = {}
    for folder in folders:
        code = folder.rsplit("/", 1)[-1]
        present[code] = present.get(code, 0) + 1
    problems = []
    for code in sorted(listed.keys() | present.keys()):
        rows, found = listed.get(code, 0), present.get(code, 0)
        if rows == found == 1:
            continue
        if rows > 1:
            why = f"档号 {code} is listed {rows} times in {CATALOGUE_NAME}"
        elif found > 1:
            why = f"档号 {code} has {found} folders"
        elif not found:
            why = f"档号 {code} is in {CATALOGUE_NAME} but has no folder"
        else:
            why = f"folder of 档号 {code} is not in {CATALOGUE_NAME}"
        problems.append(Problem(CATALOGUE_MISMATCH, why, code, "integrity"))
    return problems
