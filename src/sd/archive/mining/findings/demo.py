"""Demo of the findings (挖掘发现演示, #28 items 3–5) in fonds J001.

Five archived records whose files hold real Chinese text (PDF with a text layer): a notice with
文号 鲁某局发〔2023〕101号; the same file archived a second time (同一文件); the notice retyped
with small changes (内容近似); a reply that cites the notice's 文号 (引用文号) and names people,
organisations and places; a register with an 身份证号, a mobile number, an address and a 密级
mark (敏感内容, for the open-access review). Their text is extracted after archiving like any
other record's (``scripts/create_site.py`` drains the text queue), and the findings follow.
Idempotent: records that exist are left as they are.
"""

from __future__ import annotations

from plone import api

from sd.archive.repository import ComponentData
from sd.archive.repository import create_record

NOTICE = [
    "山东省某某局关于开展2023年度档案安全检查的通知",
    "鲁某局发〔2023〕101号",
    "各市档案馆、局属各单位：",
    "为进一步加强档案安全管理，经研究，决定在全省开展2023年度档案安全检查。",
    "一、检查范围：各级国家档案馆和机关档案室的库房、设备及电子档案系统。",
    "二、检查内容：库房温湿度控制、消防设施、电子档案备份和四性检测执行情况。",
    "三、时间安排：请各单位于10月31日前完成自查，11月15日前报送自查报告。",
    "四、工作要求：各单位要高度重视，明确分管领导和具体承办人员，对照检查内容逐项自查，"
    "发现问题立即整改，不能立即整改的要制定方案、明确时限。",
    "五、省局将在各单位自查基础上组织抽查，抽查结果在全省通报，并纳入年度档案工作考核。",
    "山东省某某局",
    "2023年9月15日",
]
#: the notice retyped: two dates changed (a 修改稿 archived beside the notice)
NEAR = [line.replace("10月31日", "11月10日").replace("11月15日", "11月20日") for line in NOTICE]
REPLY = [
    "济南市档案馆关于2023年度档案安全检查自查情况的报告",
    "山东省某某局：",
    "根据《关于开展2023年度档案安全检查的通知》要求，",
    "按照鲁某局发[2023]101号文件，我馆开展了自查。",
    "馆长张伟带队检查了历下区库房和市中区电子档案机房，青岛市档案馆王建国同志参加。",
    "检查发现消防设施老化问题两处，已会同济南市财政局安排资金整改。",
    "特此报告。",
    "济南市档案馆",
    "2023年11月10日",
]


def _wrap(lines: list[str], width: int = 30) -> list[str]:
    """Lines short enough for the page (a long one is broken after its punctuation)."""
    out = []
    for line in lines:
        while len(line) > width:
            cut = max(line.rfind(p, 0, width) for p in "，。；：、")
            cut = cut + 1 if cut > 0 else width
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def _id_number(first17: str) -> str:
    from sd.archive.core.mining.findings.sensitive import check_character

    return first17 + check_character(first17)


def _register() -> list[str]:
    return [
        "秘密★5年",
        "2023年度困难职工救助登记表",
        f"申请人：李娜，身份证号码：{_id_number('37010219850312002')}",
        "联系电话：13953112345",
        "家庭住址：山东省济南市历下区泉城路188号2单元301室",
        "救助事由：因病致困，申请临时救助。",
    ]


#: (id, title, 文号, lines, same bytes as)
RECORDS = (
    (
        "findings-demo-notice",
        "关于开展2023年度档案安全检查的通知",
        "鲁某局发〔2023〕101号",
        NOTICE,
        "",
    ),
    ("findings-demo-copy", "关于开展2023年度档案安全检查的通知（重复归档）", "", NOTICE, "notice"),
    ("findings-demo-near", "关于开展2023年度档案安全检查的通知（修改稿）", "", NEAR, ""),
    (
        "findings-demo-reply",
        "关于2023年度档案安全检查自查情况的报告",
        "济档报〔2023〕12号",
        REPLY,
        "",
    ),
    ("findings-demo-register", "2023年度困难职工救助登记表", "", None, ""),
)


def make_findings_demo(portal) -> list:
    """The findings demo records in J001 (none when J001 is absent or they exist)."""
    from sd.archive.core.text import render
    from sd.archive.numbering import assign_code

    fonds = portal.get("j001")
    if fonds is None:
        return []
    made, files = [], {}
    for record_id, title, number, lines, same_as in RECORDS:
        if record_id in fonds:
            continue
        data = files.get(same_as) or render.text_pdf([_wrap(lines or _register())])
        files.setdefault(record_id.rsplit("-", 1)[1], data)
        record = create_record(
            fonds,
            {
                "title": title,
                "record_kind": "电子公文",
                "electronic_record_id": f"OA-37-2023-{record_id}",
                "agency_name": fonds.agency_name,
                "author": fonds.agency_name,
                "document_number": number or None,
                "security_level": "公开",
                "open_status": "待审",
                "keywords": ["演示", "挖掘发现"],
                "fonds_code": fonds.fonds_code,
                "year": 2023,
                "retention_period": "Y",
            },
            [
                ComponentData(
                    filename="正文.pdf",
                    data=data,
                    role="正本",
                    sequence=1,
                    path="正本/正文.pdf",
                    format_name="PDF",
                    content_type="application/pdf",
                )
            ],
            id=record_id,
        )
        assign_code(record, "WS", 2023, "Y", "BGS")
        api.content.transition(record, transition="archive", comment="演示数据")
        made.append(record)
    return made
