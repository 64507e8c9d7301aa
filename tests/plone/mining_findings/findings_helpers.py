"""Records with plain-text files, archived and their text extracted (the after-archiving path)."""

from plone import api

from sd.archive.core.mining.findings import sensitive
from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record
from sd.archive.text import queue

VALID_ID = "37010219800101123" + sensitive.check_character("37010219800101123")
LETTER = """济南市档案馆关于2023年档案工作情况的报告
省档案局：
根据你局《关于做好2023年度档案工作的通知》（鲁档发〔2023〕7号）要求，现将我馆全年工作报告如下。
一、全年接收进馆档案一万二千卷，完成馆藏档案数字化八十万画幅，开展档案安全检查四次。
二、馆长张伟带队赴青岛市财政局调研电子档案单套制管理，与山东大学合作开展档案修复研究。
三、明年计划完成历下区、市中区机关档案室的业务指导和库房改造，确保档案实体安全。
特此报告。
济南市档案馆
2023年12月20日"""
NOTICE = """关于做好2023年度档案工作的通知
各市档案馆：
为进一步加强全省档案工作，现就做好2023年度档案接收、保管和利用工作通知如下。
一、各馆要按期接收到期档案，严格执行移交进馆制度，做好电子档案四性检测。
二、加强库房安全管理，定期开展安全检查，发现隐患及时整改。
山东省档案局
2023年3月1日"""


def archived(fonds, n, text, *, document_number="", filename="正文.txt", data=None, extract=True):
    """A record of ``fonds`` with one text file, archived; its text extracted (the worker's
    step) unless ``extract`` is False."""
    record = create_record(
        fonds,
        {
            "title": f"挖掘发现测试（{n}）",
            "record_kind": "电子公文",
            "electronic_record_id": f"OA-FIND-{fonds.fonds_code}-{n:06d}",
            "fonds_code": fonds.fonds_code,
            "year": 2023,
            "retention_period": "Y",
            "document_number": document_number or None,
        },
        [
            ComponentData(
                filename=filename,
                data=data if data is not None else text.encode("utf-8"),
                role="正本",
                sequence=1,
                content_type="text/plain",
                format_name="TXT",
            )
        ],
    )
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    if extract:
        queue.take(record.UID())
    return record
