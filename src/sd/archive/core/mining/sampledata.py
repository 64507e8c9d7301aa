"""Generated arranged records with realistic Chinese titles and text (生成的样本档案).

For the benchmark (bench/bench_mining_suggest.py), the demo fonds and the tests: a fonds of
five categories (文书 WS, 会计 KJ, 基建 JJ, 设备 SB, 业务 YW) whose records come from topics —
each topic a kind of document with its title patterns, 文种, issuers, a few sentences of body
text, and how the archive arranges it (门类, 保管期限, 机构或问题, the schedule rule, if one
covers it). Like real holdings, topics share words (预算 in 文书 and 会计), some records are
arranged against their topic (:data:`NOISE`, a person's judgement), and :func:`schedule`
covers only part of the topics with rules: the rest is what the review queue sees.
Deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sd.archive.core.mining.features import Sample
from sd.archive.core.scheme.model import GONGWEN
from sd.archive.core.scheme.model import Category
from sd.archive.core.scheme.model import ClassificationScheme
from sd.archive.core.scheme.model import Organisation
from sd.archive.core.scheme.model import RetentionSchedule
from sd.archive.core.scheme.model import ScheduleRule

NOISE = 0.06
GENERIC_TITLES = 0.3
GENERIC = (
    "关于{thing}有关事项的{{doc_type}}",
    "关于{year}年{thing}工作的{{doc_type}}",
    "{unit}关于{thing}情况的{{doc_type}}",
)
CATEGORIES = (("WS", "文书"), ("KJ", "会计"), ("JJ", "基建"), ("SB", "设备"), ("YW", "业务"))
ORGS = (
    ("BGS", "办公室"),
    ("CWC", "财务处"),
    ("RSC", "人事处"),
    ("JJC", "基建处"),
    ("ZBC", "装备处"),
    ("YWC", "业务处"),
)
AGENCY = "山东省某某厅"
UNITS = (
    "省交通运输厅",
    "省财政厅",
    "省人力资源社会保障厅",
    "省住房城乡建设厅",
    "济南市人民政府",
    "青岛市某某局",
)
THINGS = (
    "道路养护",
    "信息化建设",
    "档案数字化",
    "安全生产",
    "节能减排",
    "系统升级",
    "应急管理",
    "乡村振兴",
)


@dataclass(frozen=True)
class Topic:
    """A kind of record (一类文件) and how it is arranged."""

    key: str
    category: str
    retention: str
    org_code: str
    rule_id: str
    doc_types: tuple[str, ...]
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    keywords: tuple[str, ...] = ()


TOPICS = (
    Topic(
        "budget",
        "WS",
        "Y",
        "CWC",
        "GW-03",
        ("请示", "报告"),
        (
            "关于{year}年度部门预算的请示",
            "关于{year}年度预算执行情况的报告",
            "关于调整{thing}项目预算的请示",
        ),
        (
            "根据财政部门预算编制要求，现将本年度部门预算草案报请审核。",
            "预算安排坚持量入为出、收支平衡。",
            "{thing}项目支出列入年度预算，资金来源为财政拨款。",
        ),
        ("预算", "财政拨款"),
    ),
    Topic(
        "appointment",
        "WS",
        "Y",
        "RSC",
        "GW-02",
        ("通知", "决定"),
        (
            "关于{name}同志任职的通知",
            "关于{name}等同志职务任免的通知",
            "关于聘任{name}为{thing}专家的决定",
        ),
        (
            "经厅党组研究决定，{name}同志任{unit}副处长，试用期一年。",
            "免去{name}同志原任职务。",
            "请按照干部管理权限办理相关手续。",
        ),
        ("干部任免", "人事"),
    ),
    Topic(
        "minutes",
        "WS",
        "D30",
        "BGS",
        "",
        ("会议纪要", "纪要"),
        (
            "{thing}工作专题会议纪要",
            "{year}年第{n}次{thing}协调会纪要",
            "关于{thing}推进情况的会议纪要",
        ),
        (
            "会议听取了{unit}关于{thing}工作进展的汇报。",
            "会议议定以下事项：一是加快进度，二是压实责任。",
            "各相关处室按分工抓好落实。",
        ),
        ("会议纪要",),
    ),
    Topic(
        "letter",
        "WS",
        "D10",
        "BGS",
        "GW-13",
        ("函",),
        ("关于商请协助开展{thing}调研的函", "关于{thing}有关事项的复函", "关于征求{thing}意见的函"),
        (
            "为做好{thing}工作，拟于近期赴贵单位开展调研。",
            "请贵单位给予支持并指定联系人。",
            "来函收悉，经研究，现函复如下。",
        ),
        ("函件",),
    ),
    Topic(
        "voucher",
        "KJ",
        "D30",
        "CWC",
        "",
        ("报告", "通知"),
        ("{year}年{n}月会计凭证", "{year}年{n}月记账凭证汇总表", "{thing}项目报销单据"),
        (
            "本月共编制记账凭证{n}张，附原始凭证。",
            "借方科目为业务费，贷方科目为银行存款。",
            "差旅费报销已按标准审核，发票真实有效。",
        ),
        ("会计凭证", "报销"),
    ),
    Topic(
        "ledger",
        "KJ",
        "Y",
        "CWC",
        "",
        ("报告",),
        ("{year}年度财务决算报告", "{year}年度总账及明细账", "{year}年度财务会计报告"),
        (
            "本年度决算收入总计与支出总计相符。",
            "资产负债表、收入支出表已经审计。",
            "年末结余资金按规定结转下年使用。",
        ),
        ("决算", "财务报告"),
    ),
    Topic(
        "construction",
        "JJ",
        "Y",
        "JJC",
        "",
        ("请示", "批复", "报告"),
        (
            "关于{thing}综合楼建设项目立项的请示",
            "{thing}工程竣工验收报告",
            "关于{thing}工程施工图设计的批复",
        ),
        (
            "项目总建筑面积约一万平方米，总投资估算五千万元。",
            "工程质量符合设计要求，同意通过竣工验收。",
            "施工单位应严格落实安全文明施工措施。",
        ),
        ("基本建设", "竣工验收"),
    ),
    Topic(
        "maintenance",
        "JJ",
        "D30",
        "JJC",
        "",
        ("通知", "报告"),
        (
            "关于{thing}办公楼维修改造的报告",
            "{year}年度房屋修缮计划",
            "关于开展{thing}设施安全检查的通知",
        ),
        (
            "办公楼屋面渗漏，需进行防水维修。",
            "维修改造资金从年度公用经费中列支。",
            "请各单位于月底前完成房屋设施安全自查。",
        ),
        ("维修改造",),
    ),
    Topic(
        "equipment",
        "SB",
        "D30",
        "ZBC",
        "",
        ("请示", "报告", "通知"),
        (
            "关于采购{thing}专用设备的请示",
            "{thing}设备开箱验收记录",
            "关于{year}年度设备报废处置的报告",
        ),
        (
            "拟采购服务器、存储设备及网络交换机各一批。",
            "设备到货后经开箱检验，型号规格与合同一致。",
            "报废设备已达到使用年限，经鉴定无修复价值。",
        ),
        ("设备采购", "资产处置"),
    ),
    Topic(
        "business-plan",
        "YW",
        "Y",
        "YWC",
        "",
        ("通知", "意见"),
        (
            "关于印发{year}年{thing}工作要点的通知",
            "关于加强{thing}工作的指导意见",
            "{unit}{thing}三年行动方案",
        ),
        (
            "为深入推进{thing}工作，制定本工作要点。",
            "各地要结合实际，细化任务分工，确保取得实效。",
            "到{year}年底，{thing}主要指标达到全省平均水平。",
        ),
        ("工作要点", "行动方案"),
    ),
    Topic(
        "business-report",
        "YW",
        "D30",
        "YWC",
        "",
        ("报告", "通报"),
        (
            "关于{year}年上半年{thing}工作情况的报告",
            "关于{thing}专项检查情况的通报",
            "{unit}{thing}统计分析报告",
        ),
        (
            "上半年共完成{thing}项目{n}个，同比增长百分之十。",
            "检查发现部分单位台账不全、责任不清。",
            "下一步将继续加强督导检查。",
        ),
        ("工作报告", "专项检查"),
    ),
    Topic(
        "training",
        "WS",
        "D10",
        "RSC",
        "GW-10",
        ("通知",),
        (
            "关于举办{thing}业务培训班的通知",
            "关于参加{year}年度{thing}培训的通知",
            "关于{thing}放假安排的通知",
        ),
        (
            "培训时间为三天，地点在省委党校。",
            "请各单位于报名截止前报送参训人员名单。",
            "培训期间食宿统一安排，费用按规定报销。",
        ),
        ("培训",),
    ),
)
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "孙丽", "周强", "吴敏")


def scheme(fonds_code: str = "J900") -> ClassificationScheme:
    """The generated fonds' classification scheme (five categories, six organisations)."""
    from sd.archive.core.codes import CodeRule

    rule = CodeRule(use_org=True)
    return ClassificationScheme(
        fonds_code,
        "生成样本全宗",
        tuple(Category(code, title, code_rule=rule) for code, title in CATEGORIES),
        tuple(Organisation(code, title) for code, title in ORGS),
    )


def schedule(fonds_code: str = "J900") -> RetentionSchedule:
    """Rules for part of the topics, as the J001 schedule has them (预算, 任免, 函, 培训…);
    minutes, accounting, construction, equipment and business records have none."""
    rules = (
        ScheduleRule("GW-02", "WS", "Y", 80, "RSC", (GONGWEN,), (), ("任免", "任职", "聘任")),
        ScheduleRule("GW-03", "WS", "Y", 80, "CWC", (GONGWEN,), ("请示",), ("预算",)),
        ScheduleRule("GW-10", "WS", "D10", 45, "RSC", (GONGWEN,), ("通知",), ("培训", "放假")),
        ScheduleRule("GW-13", "WS", "D10", 20, "BGS", (GONGWEN,), ("函",)),
    )
    return RetentionSchedule(fonds_code, rules)


def _fill(pattern: str, rng: random.Random, year: int) -> str:
    return pattern.format(
        year=year,
        thing=rng.choice(THINGS),
        name=rng.choice(NAMES),
        unit=rng.choice(UNITS),
        n=rng.randint(1, 12),
    )


def record(rng: random.Random, number: int, year: int, *, noise: float = NOISE) -> Sample:
    """One generated record (its arrangement given, as once decided)."""
    topic = rng.choice(TOPICS)
    doc_type = rng.choice(topic.doc_types)
    if rng.random() < GENERIC_TITLES:  # a title that says little: the text must tell
        title = _fill(rng.choice(GENERIC), rng, year).replace("{doc_type}", doc_type)
    else:
        title = _fill(rng.choice(topic.titles), rng, year)
    picked = rng.sample(topic.sentences, k=rng.randint(1, len(topic.sentences)))
    for _ in range(rng.randint(1, 2)):  # documents mention other matters too
        picked.insert(rng.randint(0, len(picked)), rng.choice(rng.choice(TOPICS).sentences))
    text = "".join(_fill(s, rng, year) for s in picked) * rng.randint(1, 3)
    arranged = topic
    if rng.random() < noise:
        arranged = rng.choice([t for t in TOPICS if t.category == topic.category] or TOPICS)
    return Sample(
        ref=f"gen-{number:06d}",
        label=title,
        title=title,
        doc_type=doc_type,
        author=rng.choice((AGENCY, *UNITS[:2])),
        kind=GONGWEN,
        text=text,
        year=year,
        category=arranged.category,
        retention=arranged.retention,
        org_code=arranged.org_code,
        rule_id=arranged.rule_id,
    )


def records(count: int, years: tuple[int, ...] = (2020, 2021, 2022, 2023, 2024), seed: int = 28):
    """``count`` generated records spread over ``years`` (oldest first)."""
    rng = random.Random(seed)  # noqa: S311 - generated test data, not secrets
    per_year = max(count // len(years), 1)
    out = []
    for number in range(count):
        year = years[min(number // per_year, len(years) - 1)]
        out.append(record(rng, number, year))
    return out


def topic_of(sample: Sample) -> Topic | None:
    """The topic whose title patterns ``sample``'s title came from (for tests)."""
    for topic in TOPICS:
        for pattern in topic.titles:
            head = pattern.split("{")[0]
            if head and sample.title.startswith(head):
                return topic
    return None
