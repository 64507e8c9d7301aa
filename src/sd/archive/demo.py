"""Demo data (演示数据): two fonds, one per network domain, with accounts and records.

Run as the post handler of the ``sd.archive:demo`` profile. Idempotent: a fonds that exists is
left alone, so running ``make start`` again keeps the data.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone

from plone import api

from sd.archive import logger
from sd.archive.demo_parts import demo_user
from sd.archive.demo_parts import make_fonds
from sd.archive.demo_parts import pdf_bytes
from sd.archive.identity.directory.demo import make_directory_demo
from sd.archive.numbering import assign_code
from sd.archive.rectification.demo import make_rectification_demo
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record
from sd.archive.supervision.demo import make_supervision_demo

RECORDS_PER_FONDS = 54

# (target state, the transitions that lead there from pre_archived)
LIFECYCLE = [
    ("pre_archived", []),
    ("archived", ["archive"]),
    ("transfer_pending", ["archive", "request_transfer"]),
    ("transferred", ["archive", "request_transfer", "transfer"]),
    ("received", ["archive", "request_transfer", "transfer", "receive"]),
    ("open", ["archive", "request_transfer", "transfer", "receive", "open"]),
    ("controlled", ["archive", "request_transfer", "transfer", "receive", "control"]),
    ("appraisal", ["archive", "appraise"]),
    ("destroyed", ["archive", "appraise", "destroy"]),
]

FONDS = [
    {
        "id": "j001",
        "title": "山东省某某厅",
        "fonds_code": "J001",
        "agency_name": "山东省某某厅",
        "credit_code": "11370000MB1234567X",
        "network_domain": "administrative",
        "record_kinds": {"电子公文"},
        "own_records_room": False,
        "public_reading": True,  # 开放档案公开阅览 (#30), shown on the demo
        "kind": "电子公文",
        "category": "WS",
        "orgs": ["BGS", "ZCFG", "RSC", "CWC"],
        "doc_types": [
            ("通知", "Y"),
            ("请示", "D30"),
            ("报告", "D30"),
            ("会议纪要", "Y"),
            ("函", "D10"),
        ],
        "roles": ["正本", "定稿", "处理单"],
    },
    {
        "id": "j002",
        "title": "山东省住房和城乡建设厅",
        "fonds_code": "J002",
        "agency_name": "山东省住房和城乡建设厅",
        "credit_code": "11370000MB7654321Y",
        "network_domain": "public-service",
        "record_kinds": {"政务服务电子文件"},
        "own_records_room": True,
        "kind": "政务服务电子文件",
        "category": "WS",
        "orgs": ["SPC", "FWC"],
        "doc_types": [
            ("建筑工程施工许可证核发", "D30"),
            ("建设工程消防验收", "Y"),
            ("房地产开发企业资质核定", "D10"),
        ],
        "roles": ["申请材料", "受理凭证", "办理结果"],
    },
]

USERS = [
    # (user id, roles global, (fonds id, local roles) or None, full name)
    ("officer-j001", [], ("j001", ["RecordsOfficer", "Reader"]), "J001 档案员"),
    ("svc-j001", [], ("j001", ["Submitter"]), "J001 OA 服务账号"),
    ("officer-j002", [], ("j002", ["RecordsOfficer", "Reader"]), "J002 档案员"),
    ("officer-j003", [], ("j003", ["RecordsOfficer", "Reader"]), "J003 档案员"),  # 按卷 (#24)
    ("svc-j002", [], ("j002", ["Submitter"]), "J002 审批系统服务账号"),
    ("archivist", ["Archivist"], None, "档案馆接收员"),
    ("supervisor", ["Supervisor"], None, "监督指导员"),
    ("leader", ["Leader"], None, "分管领导"),  # 利用复审 (#30)
    ("citizen", [], None, "社会利用者"),  # asks for records (#30)
    ("sysadmin", ["SystemAdministrator"], None, "系统管理员"),
    ("secadmin", ["SecurityAdministrator"], None, "安全保密管理员"),
    ("auditor", ["SecurityAuditor"], None, "安全审计员"),
]


def ensure_users(portal):
    for user_id, roles, local, fullname in USERS:
        demo_user(user_id, fullname, roles or ("Member",))
        if local:
            fonds = portal.get(local[0])
            if fonds is not None:
                api.user.grant_roles(username=user_id, obj=fonds, roles=local[1])


def make_records(fonds, spec, count=RECORDS_PER_FONDS):
    wf = api.portal.get_tool("portal_workflow")
    base = datetime(2017, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    for i in range(count):
        state, path = LIFECYCLE[i % len(LIFECYCLE)]
        doc_type, retention = spec["doc_types"][i % len(spec["doc_types"])]
        # records to be transferred or received are old enough (≥ 5 years)
        year = 2017 + (i % 3) if state not in ("pre_archived", "archived") else 2022 + (i % 3)
        if state in ("appraisal", "destroyed"):
            # only an expired record is appraised or destroyed, never a permanent one (#25):
            # 2011–2013 + 定期10年 → kept to 2021–2023
            year, retention = 2011 + (i % 3), "D10"
        elif state == "archived" and retention == "D10":
            year = 2016  # 定期10年 kept to 2026-12-31: on the due list as expiring (#25)
        when = base.replace(year=year) + timedelta(days=i * 3)
        org = spec["orgs"][i % len(spec["orgs"])]
        gov = spec["kind"] == "政务服务电子文件"
        title = (
            f"{doc_type}办件 第{i + 1}号"
            if gov
            else f"关于{['档案工作', '财务预算', '人事任免', '政策法规', '安全生产'][i % 5]}"
            f"的{doc_type}（{i + 1}）"
        )
        metadata = {
            "title": title,
            "record_kind": spec["kind"],
            "electronic_record_id": f"{'SP' if gov else 'OA'}-37-{year}-{i + 1:06d}",
            "agency_name": spec["agency_name"],
            "document_number": None if gov else f"鲁某发〔{year}〕{i + 1}号",
            "author": spec["agency_name"],
            "document_date": when.date(),
            "document_type": "批文" if gov else doc_type,
            "security_level": "公开" if i % 4 else "内部",
            "open_status": "待审",
            "pages": 1 + i % 7,
            "keywords": ["演示", doc_type],
            "process_history": [
                {
                    "sequence": 1,
                    "activity": "受理" if gov else "拟稿",
                    "time": when.isoformat(),
                    "agent": "张三",
                    "department": "办公室",
                },
                {
                    "sequence": 2,
                    "activity": "办结" if gov else "签发",
                    "time": (when + timedelta(days=2)).isoformat(),
                    "agent": "李四",
                    "department": "办公室",
                },
            ],
            "fonds_code": spec["fonds_code"],
        }
        if gov:
            metadata.update(
                {
                    "service_item_name": doc_type,
                    "service_item_code": f"1137000000{i % 3:04d}",
                    "case_number": f"37000020{year}{i + 1:08d}",
                    "applicant_name": f"某某建设有限公司{i % 9 + 1}",
                    "accepting_department": spec["agency_name"],
                    "accepted_at": when,
                    "completed_at": when + timedelta(days=8),
                    "handling_result": "准予许可",
                }
            )
        components = [
            ComponentData(
                filename=f"{role}.pdf",
                data=pdf_bytes(title, [f"{spec['agency_name']} · {role}", f"{when.date()}"]),
                role=role,
                sequence=n + 1,
                path=f"{role}/{role}.pdf",
                format_name="PDF",
                content_type="application/pdf",
            )
            for n, role in enumerate(spec["roles"])
        ]
        record = create_record(fonds, metadata, components)
        if state != "pre_archived":
            assign_code(record, spec["category"], year, retention, org)
        for transition in path:
            if transition == "destroy":  # an expired D10 record, as an executed batch does (#25)
                from sd.archive.appraisal.execution import sanctioned

                with sanctioned(record, "demo"):
                    wf.doActionFor(record, transition, comment="演示数据")
                continue
            wf.doActionFor(record, transition, comment="演示数据")


def create_demo_content(context=None):
    portal = api.portal.get()
    # the demonstration site plays every node (全部网域): fonds and packages of both domains
    api.portal.set_registry_record("sd.archive.settings.network_domain", "combined")
    with api.env.adopt_roles(["Manager"]):
        for spec in FONDS:
            fonds = make_fonds(portal, spec)
            if fonds is not None:
                make_records(fonds, spec)
                logger.info("demo fonds %s created", spec["fonds_code"])
        from sd.archive.dossiers.demo import make_volume_fonds
        from sd.archive.text.demo import make_text_records

        if "j001" in portal and make_text_records(portal["j001"]):
            logger.info("demo records with Chinese text created (text layer, OFD, scan)")
        if make_volume_fonds(portal) is not None:
            logger.info("demo fonds J003 arranged by volume created (2 volumes)")
        ensure_users(portal)
        make_supervision_demo(portal)  # 监督指标演示 J004 (#26)
        from sd.archive.mining.suggestions.demo import make_mining_demo

        make_mining_demo(portal)  # 整理建议演示 J028：五个门类、待人工整理与模型 (#28)
        from sd.archive.mining.findings.demo import make_findings_demo

        make_findings_demo(portal)  # 挖掘发现演示 J001：重复、近似、引用文号、敏感内容 (#28)
        from sd.archive.appraisal.demo import make_appraisal_demo

        make_appraisal_demo(portal)  # 鉴定与销毁演示 J001：冻结档案、鉴定中的批次 (#25)
        make_directory_demo(portal)  # 组织机构同步：机关绑定、开发用山东通模拟服务 (#27)
        make_rectification_demo(portal)  # 整改通知演示：一份待答复、一份逾期 (#26)
        from sd.archive.openreview.demo import make_openreview_demo

        make_openreview_demo(portal)  # 开放审核演示 J001：封闭期已满的档案、一个批次 (#25)
