"""A DA/T 85 / GB/T 42727 package (事项 → 办件 → 材料) becomes, through REST, the same record as
its province-layout twin (<政务服务> beside <组件>): same fields, same components."""

import io
import zipfile

import pytest
import transaction
from build_corpus import META
from build_corpus import ZHENGWU
from build_corpus import dat85_text
from build_corpus import edit_xml
from build_corpus import load
from build_corpus import remanifest
from intake_helpers import post
from intake_helpers import zip_bytes

from sd.archive.behaviors.government_service import SERVICE_FIELDS
from sd.archive.repository import RECORD_FIELDS

#: what keeps the twins two records: another 电子文件号 and 件号 (the case itself is the same)
TWIN_EDITS = (
    ("<电子文件号>ZW-J002-2023-000000008<", "<电子文件号>ZW-J002-2023-000000009<"),
    ("<档号>J002-WS·2023-D30-BGS-0008<", "<档号>J002-WS·2023-D30-BGS-0009<"),
    ("<件号>8<", "<件号>9<"),
)


def province_package() -> bytes:
    return zip_bytes(load(ZHENGWU))


def dat85_package() -> bytes:
    files = load(ZHENGWU)
    files = {**files, META: dat85_text(files).encode("utf-8")}
    for old, new in TWIN_EDITS:
        files = edit_xml(files, old, new)
    return zip_bytes(remanifest(files))


def stored(portal, url) -> tuple[dict, list]:
    transaction.begin()
    record = portal.unrestrictedTraverse(url.replace(portal.absolute_url(), "").lstrip("/"))
    fields = {name: getattr(record, name, None) for name in RECORD_FIELDS}
    components = sorted(
        (c.role, c.sequence, c.path, c.format_name, c.sm3, c.size, c.title)
        for c in record.objectValues()
        if c.role != "原始包"
    )
    return fields, components


@pytest.mark.parametrize("endpoint", ["@archive", "@pre-archive"])
def test_dat85_package_is_the_same_record_as_its_province_twin(site, svc2, endpoint):
    dat85 = dat85_package()
    with zipfile.ZipFile(io.BytesIO(dat85)) as z:
        text = z.read(META).decode("utf-8")
    assert (
        "<事项>" in text and "<材料 " in text and "<政务服务>" not in text and "<组件>" not in text
    )
    first = post(svc2, endpoint, province_package())
    assert first.status_code == 201, first.text[:2000]
    second = post(svc2, endpoint, dat85)
    assert second.status_code == 201, second.text[:2000]
    assert second.json()["status"] == first.json()["status"]
    province_fields, province_components = stored(site, first.json()["@id"])
    dat85_fields, dat85_components = stored(site, second.json()["@id"])
    assert province_fields.pop("electronic_record_id") == "ZW-J002-2023-000000008"
    assert dat85_fields.pop("electronic_record_id") == "ZW-J002-2023-000000009"
    assert dat85_fields == province_fields
    assert dat85_components == province_components
    assert [c[0] for c in dat85_components] == ["办理结果", "申请材料"]
    service = {name: dat85_fields[name] for name in SERVICE_FIELDS}
    assert service["service_item_code"] == "11370000004"
    assert service["service_item_name"] == "建筑工程施工许可证核发"
    assert service["case_number"] == "ZW-J002-2023-000000008"
    assert service["applicant_name"] == "某某建设有限公司"
    assert service["accepting_department"] == "山东省住房和城乡建设厅"
    assert service["handling_result"] == "准予许可"
    assert service["accepted_at"] is not None and service["completed_at"] is not None


def test_dat85_fault_answers_422_naming_the_material(site, svc2):
    files = load(ZHENGWU)
    files = {**files, META: dat85_text(files).encode("utf-8")}
    files = remanifest({k: v for k, v in files.items() if k != "材料/许可证.pdf"})
    response = post(svc2, "@archive", zip_bytes(files))
    assert response.status_code == 422, response.text[:2000]
    body = response.json()
    assert {"type", "message", "errors"} <= set(body)
    listed = [e for e in body["errors"] if e["code"] == "GD-1-11"]
    assert listed and any("材料/许可证.pdf" in str(e) for e in listed), listed
