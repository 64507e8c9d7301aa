"""DA/T 85 / GB/T 42727 layout (事项 → 办件 → 材料) beside the province layout (<政务服务>)."""

import dataclasses
import zipfile
from pathlib import Path

import pytest
from build_corpus import CORPUS
from build_corpus import SAMPLES
from build_corpus import dat85_text

from sd.archive.core.packages.metadata import LAYOUT_DAT85
from sd.archive.core.packages.metadata import LAYOUT_PROVINCE
from sd.archive.core.packages.metadata import metadata_fields
from sd.archive.core.packages.metadata import parse_metadata
from sd.archive.core.packages.metadata import service_element_path
from sd.archive.core.packages.metadata_render import render_metadata
from sd.archive.core.packages.reader import TempDirSinks
from sd.archive.core.packages.reader import read_package

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<电子文件 类型="政务服务电子文件" 版本="1.0">
  <聚合层次>文件</聚合层次>
  <来源><立档单位名称>山东省示例服务中心</立档单位名称><全宗号>J002</全宗号></来源>
  <电子文件号>ZW-1</电子文件号>
  <题名>建筑工程施工许可证核发（某某建设有限公司）</题名>
"""
CASE = """<办件>
      <办件编号>3700002023051200001</办件编号>
      <申请人名称>某某建设有限公司</申请人名称>
      <受理部门>山东省住房和城乡建设厅</受理部门>
      <受理时间>2023-05-12T09:00:00+08:00</受理时间>
      <办结时间>2023-05-20T16:30:00+08:00</办结时间>
      <办理结果>准予许可</办理结果>
      <材料 序号="1" 角色="申请材料">
        <材料名称>施工许可申请书</材料名称>
        <计算机文件名>11370000004/3700002023051200001/申请书.pdf</计算机文件名>
        <计算机文件大小>100599</计算机文件大小>
        <格式信息>PDF</格式信息>
        <摘要值 算法="SM3">1d94b46122fd74a6594d33dcb9d6dcfb30fff654cc226487b2b696bb21ddcbd0</摘要值>
      </材料>
      <材料 序号="2" 角色="办理结果">
        <材料名称>施工许可证</材料名称>
        <计算机文件名>11370000004/3700002023051200001/许可证.pdf</计算机文件名>
        <计算机文件大小>50594</计算机文件大小>
        <格式信息>PDF</格式信息>
        <摘要值 算法="SHA-256">00</摘要值>
      </材料>
    </办件>"""
ITEM = f"""<事项>
    <事项编码>11370000004</事项编码>
    <事项名称>建筑工程施工许可证核发</事项名称>
    {CASE}
  </事项>"""


def xml(body: str) -> bytes:
    return (HEAD + "  " + body + "\n</电子文件>\n").encode("utf-8")


def zhengwu() -> dict[str, bytes]:
    with zipfile.ZipFile(Path(SAMPLES) / "archive-zhengwu.zip") as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def test_dat85_nesting_maps_to_the_service_fields_and_components():
    record = parse_metadata(xml(ITEM))
    assert record.layout == LAYOUT_DAT85
    assert record.problems == []
    service = record.government_service
    assert (service.item_code, service.item_name) == ("11370000004", "建筑工程施工许可证核发")
    assert service.case_number == "3700002023051200001"
    assert service.applicant == "某某建设有限公司"
    assert service.department == "山东省住房和城乡建设厅"
    assert (service.accepted_at, service.completed_at) == (
        "2023-05-12T09:00:00+08:00",
        "2023-05-20T16:30:00+08:00",
    )
    assert service.result == "准予许可"
    assert [(c.seq, c.role, c.name) for c in record.components] == [
        ("1", "申请材料", "施工许可申请书"),
        ("2", "办理结果", "施工许可证"),
    ]
    first, second = record.components
    assert first.path == "11370000004/3700002023051200001/申请书.pdf"
    assert (first.size_int, first.format, first.digest_algorithm) == (100599, "PDF", "SM3")
    assert second.digest_algorithm == "SHA-256"


def test_layout_is_detected_and_not_a_scalar_field():
    assert parse_metadata(zhengwu()["元数据.xml"]).layout == LAYOUT_PROVINCE
    with zipfile.ZipFile(Path(SAMPLES) / "archive-gongwen.zip") as z:
        assert parse_metadata(z.read("元数据.xml")).layout is None
    assert {"layout", "problems"}.isdisjoint(metadata_fields())


def test_dat85_twin_is_the_same_record_as_the_province_layout():
    files = zhengwu()
    province = parse_metadata(files["元数据.xml"])
    nested = parse_metadata(dat85_text(files).encode("utf-8"))
    assert nested.layout == LAYOUT_DAT85 and nested.problems == []
    assert [c.name for c in nested.components] == ["申请书", "许可证"]
    unnamed = [dataclasses.replace(c, name=None) for c in nested.components]
    assert dataclasses.replace(nested, components=unnamed) == province
    assert nested.government_service.case_number == "ZW-J002-2023-000000008"


def test_dat85_render_round_trip():
    record = parse_metadata(xml(ITEM))
    again = parse_metadata(render_metadata(record, LAYOUT_DAT85))
    assert again == record and again.layout == LAYOUT_DAT85
    assert [c.name for c in again.components] == ["施工许可申请书", "施工许可证"]
    # rendered without a layout: the province form, still the same record
    flat = parse_metadata(render_metadata(record))
    assert flat.layout == LAYOUT_PROVINCE
    assert flat.government_service == record.government_service


@pytest.mark.parametrize(
    ("body", "code", "obj"),
    [
        (CASE, "service.case-without-item", "办件 3700002023051200001"),
        (
            "<事项><事项编码>11370000004</事项编码><事项名称>某事项</事项名称></事项>",
            "service.item-without-case",
            "事项 11370000004",
        ),
        (
            ITEM.replace("</事项>", CASE.replace("200001<", "200002<") + "</事项>"),
            "service.several-cases",
            "办件 3700002023051200001, 办件 3700002023051200002",
        ),
        (
            ITEM + "\n<政务服务><事项名称>x</事项名称></政务服务>",
            "metadata.layout-conflict",
            "元数据.xml",
        ),
        (ITEM + "\n<组件/>", "metadata.layout-conflict", "元数据.xml"),
    ],
    ids=["case-without-item", "item-without-case", "several-cases", "both", "with-组件"],
)
def test_layout_faults_are_problems_naming_the_item(body, code, obj):
    record = parse_metadata(xml(body))
    assert [(p.code, p.object) for p in record.problems] == [(code, obj)]
    assert record.problems[0].message
    assert record.layout == LAYOUT_DAT85


def test_case_without_item_still_reads_the_case():
    record = parse_metadata(xml(CASE))
    assert record.government_service.item_code is None
    assert record.government_service.case_number == "3700002023051200001"
    assert len(record.components) == 2


def test_element_paths_per_layout():
    assert service_element_path("case_number", LAYOUT_DAT85) == "事项/办件/办件编号"
    assert service_element_path("item_code", LAYOUT_DAT85) == "事项/事项编码"
    assert service_element_path("case_number", LAYOUT_PROVINCE) == "政务服务/办件编号"


def test_reader_hands_layout_problems_to_detection(tmp_path):
    case = next(c for c in CORPUS if c.name == "dat85-zhengwu-both-layouts")
    path = tmp_path / "p.zip"
    case.build(str(path))
    (tmp_path / "sinks").mkdir()
    package = read_package(path, "archive", sink_factory=TempDirSinks(tmp_path / "sinks"))
    assert [p.code for p in package.problems] == ["metadata.layout-conflict"]


def test_reader_reads_a_valid_dat85_package(tmp_path):
    case = next(c for c in CORPUS if c.name == "valid-dat85-zhengwu")
    path = tmp_path / "p.zip"
    case.build(str(path))
    (tmp_path / "sinks").mkdir()
    package = read_package(path, "archive", sink_factory=TempDirSinks(tmp_path / "sinks"))
    assert package.problems == []
    assert package.metadata.layout == LAYOUT_DAT85
    assert sorted(package.content_files()) == sorted(c.path for c in package.metadata.components)


def test_transfer_record_carries_its_layout_problem(tmp_path):
    from build_corpus import T1
    from build_corpus import t_meta
    from build_corpus import transfer

    path = tmp_path / "t.zip"
    transfer(lambda f: t_meta(f, "</电子文件>", "<事项><办件/></事项></电子文件>"))(str(path))
    with read_package(path, "transfer") as package:
        records = {r.folder: r for r in package.records()}
    first = records[T1.rstrip("/")]
    assert [p.code for p in first.problems] == ["metadata.layout-conflict"]
    assert all(not r.problems for f, r in records.items() if f != T1.rstrip("/"))
