"""Chinese first for every domain message (错误信息中文在前).

The code keeps its messages in English (with the rule's ``code`` that integrators and tests
read); a person or an integrator reads them Chinese first. :func:`zh_first` is the one place
that makes a message so, called by :class:`~sd.archive.core.errors.Problem` and
:class:`~sd.archive.core.errors.ArchiveError` when they are made, so the REST error shape,
``str(error)`` and every page showing a problem carry the same text::

    Problem("CODE-ITEM", "件号 '7': exactly 4 digits").message
    → "件号不符: 件号 '7': exactly 4 digits"

The Chinese phrase comes, in this order, from

1. a Chinese note the message already ends with, ``"… (更正须说明理由)"``, moved to the front;
2. a message that starts in Chinese already is left as it is, unless :data:`CODES` has a
   phrase for its code that it does not contain (``"件号 '7': exactly 4 digits"``);
3. :data:`CODES`, the phrase of the rule's code, else of the code's family
   (:data:`FAMILIES`: ``LEDGER-BUNDLE-…``, ``zip.…``), else the detection item's Chinese
   title for a detection code (``GD-2-7``);
4. :data:`TYPES`, the phrase of the error's type (``NotFound`` 未找到), else
   :data:`GENERIC`.

A new rule code needs a phrase here, its own or its family's: ``tests/core/messages`` lists
every literal code in ``src/`` that has none. The function is idempotent (a message that
already starts with its phrase is not changed), so problems stored as dicts and made again (a
rejection record, a ledger status) do not grow.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

SEPARATOR = ": "
GENERIC = "操作未完成"

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
TRAILING_NOTE = re.compile(r"^(?P<en>.*?)\s*[(（](?P<zh>[^()（）]*)[)）]\s*$", re.S)

#: the phrase of one rule code (the most specific)
CODES: dict[str, str] = {
    # archival codes 档号 (core/codes/checks.py, numbering.py)
    "CODE-FONDS": "全宗号格式不符（1–6 位大写字母或数字）",
    "CODE-CATEGORY": "门类代码格式不符（两位大写字母）",
    "CODE-YEAR": "年度格式不符（四位数字）",
    "CODE-RETENTION": "保管期限代码不符（Y 或 D＋年数）",
    "CODE-ORG": "机构（问题）代码不符",
    "CODE-EXTRA": "类别号不符",
    "CODE-ITEM": "件号不符",
    "CODE-VOLUME": "案卷号不符",
    "CODE-PART": "不是档号构成项",
    "CODE-SYNTAX": "档号格式不符（全宗号-门类代码·年度-保管期限代码-件号）",
    "CODE-UNIQUE": "档号已被使用",
    "RETENTION-CODE": "保管期限代码不符",
    # record protection and corrections 档案保护、更正
    "FIELD-READ-ONLY": "系统维护字段不可修改",
    "RECORD-ARCHIVED": "已归档档案不可直接修改",
    "CORRECTION-REASON": "更正须说明理由",
    "CORRECTION-FIELD": "该字段不可更正",
    "CORRECTION-VALUE": "更正值不符合要求",
    # search 检索 (core/search/query.py, search/)
    "SEARCH-QUERY-LENGTH": "检索式过长",
    "SEARCH-QUERY-TERMS": "检索词过多",
    "SEARCH-QUERY-SYNTAX": "检索式无法解析",
    "SEARCH-DATE": "日期格式不符（YYYY-MM-DD）",
    "SEARCH-YEAR": "年度格式不符（四位数字）",
    "SEARCH-SORT": "不支持的排序字段",
    "SEARCH-BATCH": "分页参数不符",
    "CORRECTION-EMPTY": "未填写更正内容",
    "REVIEW-REASON": "退回须说明理由",
    # requests 请求
    "auth.required": "请先登录",
    "auth.not-a-submitter": "此账号无权报送",
    "request.not-json": "请求体须为 JSON 对象",
    "request.media-type": "不接受此内容类型",
    "request.empty": "请求体为空",
    "request.too-large": "信息包超过大小上限",
    "request.package-missing": "未附信息包",
    "request.sender-receipt": "发送方回执有误",
    "idempotency.key-reused": "幂等键已用于另一请求",
    "rejection.unknown": "无此退回记录",
    "rejection.forbidden": "无权查看此退回记录",
    "fonds.mismatch": "信息包不属于本全宗",
    "record.duplicate-id": "电子文件号重复",
    "record.destroyed": "档案已销毁",
    "workflow.transition": "不能执行此流转",
    "detection.run": "无此检测记录",
    "signoff.run": "无此检测记录",
    "preservation-check.run": "无此检测任务",
    "rules.export": "导出参数有误（分类方案或保管期限表，XML 或 CSV）",
    "import.size": "表格过大",
    # transfer 移交接收
    "transfer.nothing-eligible": "没有可移交的档案",
    "transfer.manual-unknown": "无此人工检测项",
    "transfer.manual-outcome": "人工检测结论无效",
    "transfer.manual-pending": "人工检测项尚未确认",
    "transfer.manual-failed": "人工检测项不合格，请退回",
    "transfer.not-awaiting": "批次不在待接收状态",
    "transfer.not-returnable": "批次不能退回",
    "transfer.not-returned": "批次未被退回",
    "transfer.not-unfinished": "批次没有未完成的部分",
    "transfer.running": "批次正在处理",
    "transfer.fonds-mismatch": "全宗不符",
    "transfer.store-failed": "档案入库失败",
    "transfer.no-records": "移交包中没有档案",
    "transfer.too-many-records": "移交包档案数超过上限",
    "transfer.stray-file": "文件不在任何档案文件夹中",
    "transfer.duplicate-code": "档号重复",
    "transfer.folder-missing": "目录中的档案缺少文件夹",
    "transfer.not-catalogued": "文件夹未列入目录",
    "transfer.folder-path": "档案文件夹路径不符",
    "transfer.catalogue-root": "目录文件根元素不符",
    "transfer.catalogue-mismatch": "目录与档案不一致",
    "transfer.description-encoding": "说明文件编码有误",
    "receipt.unknown-batch": "回执对应的批次不存在",
    "receipt.not-json": "回执须为 JSON",
    "receipt.not-outgoing": "只有移出批次接收回执",
    "receipt.bad-signature": "回执副署签名验证失败",
    "receipt.not-ours": "回执不是本节点签署的",
    "receipt.not-countersigned": "回执没有受信节点副署",
    "receipt.other-package": "回执不属于本批次的移交包",
    # ledger 证据保全
    "LEDGER-FORBIDDEN": "无权操作存证账本",
    "LEDGER-NOT-LOGGED": "档案尚未存证",
    "LEDGER-INCLUSION": "存证条目已不在账本中",
    "LEDGER-RECORD-LEAF": "档案与存证叶哈希不一致",
    "LEDGER-TITLE": "题名与存证不一致",
    "LEDGER-METADATA": "元数据与存证不一致",
    "LEDGER-FILE-MISSING": "已存证的文件缺失",
    "LEDGER-FILE-DIGEST": "文件摘要与存证不一致",
    "LEDGER-FILE-ADDED": "存在未存证的文件",
    "LEDGER-FILE-UNREADABLE": "文件无法读取",
    "LEDGER-BUSY": "账本正忙，请稍后再试",
    # audit 安全审计
    "AUDIT-RESOURCE": "无此审计资源",
    "AUDIT-PARAMETER": "审计查询参数有误",
    # arrangement 整理
    "ARRANGE-YEAR": "文件没有年度",
    "ARRANGE-CATEGORY": "门类无法确定",
    "ARRANGE-RETENTION": "保管期限无法确定",
    "ARRANGE-ORG": "机构（问题）无法确定",
    "ARRANGE-NO-ORG": "缺少机构（问题）",
    "ARRANGE-CONFLICT": "整理规则相互冲突",
    "ARRANGE-FONDS": "全宗不符",
    "ARRANGE-NO-RULE": "没有适用的整理规则",
    # catalogues, batch description, legacy import 目录、批量著录、旧目录导入
    "CATALOGUE-YEAR": "年度无效",
    "CATALOGUE-FORMAT": "不支持的输出格式",
    "BATCH-UIDS": "须选择档案",
    "BATCH-SIZE": "一次选择的档案过多",
    "BATCH-RECORD": "档案不存在或不可批量著录",
    "BATCH-FIELD": "该字段不能批量著录",
    "BATCH-VALUE": "著录值不符合要求",
    "BATCH-WRITE": "无权修改该档案",
    "BATCH-PERMISSION": "无权批量著录",
    "BATCH-DESTROYED": "档案已销毁",
    "IMPORT-CODE": "档号不符合本全宗规则",
    "IMPORT-STORE": "无法入库",
    "IMPORT-SIZE": "表格过大",
    "IMPORT-REQUIRED": "必填项为空",
    "IMPORT-PAGES": "页数无效",
    "IMPORT-HEADER": "找不到表头",
    "IMPORT-FONDS": "不属于本全宗",
    "IMPORT-EXISTS": "档号已存在",
    "IMPORT-EMPTY": "表格没有数据行",
    "IMPORT-DUPLICATE": "档号重复",
    "IMPORT-DATE": "日期无效",
    "IMPORT-FILE": "文件无法读取",
    # holdings after a transfer 移交后馆藏核对
    "HOLDINGS-MISSING": "报告已接收的档案不在馆藏中",
    "HOLDINGS-BATCH": "档案属于另一批次",
    "HOLDINGS-STATE": "档案状态不符",
    "HOLDINGS-HALF-STORED": "档案未完整入库",
    # seals 电子签章
    "seal.strip.reason": "去除签章须说明理由",
    "seal.strip.component": "未找到电子文件",
    "seal.strip.format": "不是 OFD 或 PDF 文件",
    "seal.strip.unsigned": "文件没有签章",
    "seal.certificate": "证书有误",
    "seal.certificate-missing": "未配置证书",
    "seal.key-missing": "找不到归档签章密钥文件",
    "seal.key-mismatch": "密钥与证书不匹配",
    "seal.key-mode": "密钥文件权限过宽",
    "sign.no-certificate": "未配置签名证书",
    "MOVE-SIGNER": "迁移包的签名节点不受信任",
    "MOVE-SIGNATURE": "迁移包签名无效",
    "MOVE-UNSIGNED": "迁移包未签名",
    "MOVE-AUDIT": "迁移包中的审计日志不完整",
    "REBUILD-SPLICE": "无法由长期保存包拼回原始接收包",
}

#: the phrase of a family of codes, by the code's first part(s)
FAMILIES: dict[str, str] = {
    "CODE": "档号不符合编制规则",
    "FERRY": "摆渡包有误",
    # third release: families of the new areas' rule codes
    "MOVE": "整库迁移的导出文件有误",
    "MOVE-AIP": "迁移包中的长期保存包有误",
    "moves": "整库迁移参数有误",
    "SUGGEST": "整理建议不可用",
    "THESAURUS": "主题词表有误",
    "annual": "统计年报操作不允许",
    "binding": "机构与全宗对应有误",
    "callback": "目录变更通知无效",
    "declared": "报送的数量有误",
    "directory": "统一目录数据有误",
    "mapping": "岗位与角色对应有误",
    "platform": "统一平台设置有误",
    "preservation-check": "长期保存检测参数有误",
    "rectification": "整改通知操作有误",
    "statistics": "统计条件有误",
    "supervision": "监督指标参数有误",
    "ferry": "摆渡参数有误",
    "domain": "本节点网络域不接受",
    "FIELD": "字段有误",
    "LEDGER-BUNDLE": "证据包有误",
    "LEDGER-CHECKPOINT": "账本检查点有误",
    "LEDGER-COSIGN": "账本副署有误",
    "LEDGER-NOTE": "签名记录有误",
    "LEDGER-NODE": "节点有误",
    "LEDGER-KEY": "密钥有误",
    "LEDGER-ENTRY": "存证条目有误",
    "LEDGER-REPLICA": "账本副本有误",
    "LEDGER-FILE": "文件与存证不一致",
    "LEDGER": "存证账本拒绝了输入",
    "VERIFY": "核验输入有误",
    "AUDIT": "审计操作有误",
    "ARRANGE": "整理未通过",
    "CORRECTION": "更正不予受理",
    "REVIEW": "审核未通过",
    "CATALOGUE": "目录参数有误",
    "SEARCH": "检索条件有误",
    "FINDINGS-PATTERN": "敏感内容规则有误",
    "FINDINGS": "挖掘建议处理不予受理",
    "BATCH": "批量著录未通过",
    "IMPORT": "旧目录导入未通过",
    "HOLDINGS": "馆藏核对不符",
    "SCHEME": "分类方案有误",
    "SCHEDULE": "保管期限表有误",
    "AIP": "长期保存包（AIP）有误",
    "STORE": "存储位置配置有误",
    "PRESERVE": "长期保存配置有误",
    "BACKUP": "备份有误",
    "RESTORE": "恢复有误",
    "DISC": "光盘组盘有误",
    "CARRIER": "载体登记有误",
    "CONVERT": "格式转换失败",
    "OFD": "版式文件（OFD）有误",
    "zip": "信息包不可读或不安全",
    "xml": "元数据文件（XML）不可读或不安全",
    "manifest": "文件清单有误",
    "metadata": "元数据有误",
    "package": "信息包不完整",
    "eep": "封装包结构有误",
    "transfer": "移交包有误",
    "receipt": "回执有误",
    "request": "请求有误",
    "auth": "无权操作",
    "seal": "电子签章有误",
    "ses": "电子印章数据有误",
    "ofd": "版式文件（OFD）签章有误",
    "pdf": "版式文件（PDF）签名有误",
    "cert": "证书不可信或无效",
    "sign": "签名失败",
    "rules": "整理规则有误",
    "time": "时间有误",
    "form": "表单有误",
    "access": "利用申请不予受理",
    "register": "利用登记查询参数有误",
    "DESTROY": "不得销毁",
    "DUE": "到期查询参数有误",
    "HOLD": "冻结或解冻不予办理",
    "APPRAISAL": "鉴定销毁不予办理",
    "OPENREVIEW": "开放审核不予办理",
    "service": "政务服务事项与办件信息不一致",
    "VOLUME": "案卷有误",
    "DOSSIER": "案卷有误",
    "pkcs7": "签名数据有误",
}

#: the phrase of an error type, for a message no code explains
TYPES: dict[str, str] = {
    "BadRequest": "请求有误",
    "Unauthorized": "请先登录",
    "Forbidden": "无权操作",
    "NotFound": "未找到",
    "Conflict": "与当前状态冲突",
    "Gone": "已不存在",
    "Unprocessable": "无法处理",
    "PayloadTooLarge": "内容过大",
    "UnsupportedMediaType": "不接受此内容类型",
    "PackageUnreadable": "信息包不可读或不安全",
    "DetectionFailed": "四性检测不通过",
    "InvalidArchivalCode": "档号不符合编制规则",
    "CodeNotUnique": "档号已被使用",
    "InvalidRetentionPeriod": "保管期限代码错误",
    "InvalidScheme": "分类方案或保管期限表有误",
    "LedgerError": "存证账本拒绝了输入",
    "LedgerDiscrepancy": "档案与最近存证不一致，已拒绝操作，请核查",
    "NotLogged": "档案尚未存证",
    "ReadOnlyField": "系统维护字段不可修改",
    "RecordProtected": "已归档档案只能通过留痕的更正操作修改",
    "RecordDestroyed": "档案已销毁",
    "NotArchived": "档案尚未归档",
    "NoChange": "没有变化",
    "CorrectionRefused": "更正不予受理",
    "ReviewRefused": "整理值有误",
    "SealUnreadable": "印章数据不可解析",
    "SealConfiguration": "签章服务未配置",
    "UntrustedSigner": "签名者不可信",
    "ConversionFailed": "格式转换失败",
    "PreservationError": "长期保存操作失败",
    "StorageError": "存储操作失败",
    "StoredCopyChanged": "存储副本已被改动",
    "DiscError": "光盘组盘有误",
    "ConfigurationError": "配置有误",
    "ReceiptRefused": "回执不予接收",
    "NothingToTransfer": "没有可移交的档案",
    "FindingRefused": "挖掘建议处理不予受理",
    "PatternRefused": "敏感内容规则有误",
    "OpenReviewRefused": "开放审核不予办理",
    "AppraisalRefused": "鉴定销毁不予办理",
}


def has_chinese(text: str) -> bool:
    return bool(CJK.search(text or ""))


def starts_chinese(text: str) -> bool:
    text = (text or "").lstrip()
    return bool(text) and bool(CJK.match(text[0]))


@lru_cache(maxsize=1)
def detection_titles() -> dict[str, str]:
    """Detection item codes and their Chinese titles (检测项目目录, read once)."""
    path = Path(__file__).parent / "detection" / "catalogue.json"
    try:
        items = json.loads(path.read_text(encoding="utf-8")).get("items", [])
    except (OSError, ValueError):
        return {}
    return {i["code"]: f"{i['title_zh']}未通过" for i in items if i.get("title_zh")}


def code_phrase(code: str) -> str:
    """The Chinese phrase of a rule code: its own, its family's or its detection item's."""
    if not code:
        return ""
    if code in CODES:
        return CODES[code]
    parts = re.split(r"[-.]", code)
    for n in range(len(parts) - 1, 0, -1):
        for sep in ("-", "."):
            family = sep.join(parts[:n])
            if family in FAMILIES:
                return FAMILIES[family]
    return detection_titles().get(code, "")


def zh_first(message: str, code: str = "", type_: str = "") -> str:
    """``message`` Chinese first: ``"<中文>: <English>"`` (see the module)."""
    message = (message or "").strip()
    if not message:
        return code_phrase(code) or TYPES.get(type_, GENERIC)
    note = TRAILING_NOTE.match(message)
    if note and has_chinese(note["zh"]) and not starts_chinese(message):
        return f"{note['zh'].strip()}{SEPARATOR}{note['en'].strip()}"
    if starts_chinese(message) and (code not in CODES or CODES[code] in message):
        return message
    phrase = code_phrase(code)
    if phrase:
        return f"{phrase}{SEPARATOR}{message}"
    return f"{TYPES.get(type_, GENERIC)}{SEPARATOR}{message}"


def error_phrase_code(type_: str, codes: list[str]) -> str:
    """The code whose phrase heads an error's message: its one problem's, else none."""
    return codes[0] if len(codes) == 1 and code_phrase(codes[0]) else ""
