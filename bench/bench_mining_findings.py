"""Findings over N generated records (挖掘发现基准, #28): near-duplicate detection time,
precision/recall of duplicates and precision of sensitive hits, each beside a baseline measured
in the same run.

    .venv/bin/python bench/bench_mining_findings.py [--records 100000] [--seed 28]
        [--entities 2000]

The corpus (made here, deterministic by ``--seed``): official documents of six kinds (通知, 请示,
批复, 报告, 纪要, 函) from ~120 sentence templates filled with generated organisations, people,
places, dates, amounts and 文号 — so unrelated records share boilerplate, as a fonds' records
do — ~350–900 characters each. Planted in it:

- **exact duplicates** (2 %): a record's file archived again byte for byte;
- **near-duplicates** (3 %): a record archived again with small changes — a date or number
  retyped, one sentence reworded, a line added or dropped, punctuation and line breaks changed;
- **hard negatives** (3 %): another record of the same kind and template that shares its
  opening and closing (not a duplicate: must not be flagged);
- **sensitive values** (5 % of records): valid 身份证号, mobile numbers, addresses, 密级 marks;
  and **decoys** in 5 %: 18-digit order numbers with a wrong check character or random digits
  (some carry a valid date and check character by chance), 流水号 with an 11-digit run inside,
  contract numbers ``HT`` + 11 digits shaped like a mobile number (the finder cannot tell
  them apart: counted against it), 商业秘密.

Measured:

1. near-duplicate detection (``core.mining.findings.neardup``: signature + LSH index + check)
   over all records: wall time (goal ≤ 10 min for 100,000);
2. duplicate pairs found (exact digest ∪ near text) against the planted pairs: precision and
   recall, beside the baseline **exact digest only** (the same SM3 of the file);
3. sensitive hits (``core.mining.findings.sensitive.find``) against the planted values:
   precision (and recall), beside the baseline **naive regex** (``\\d{17}[\\dXx]``,
   ``1\\d{10}``, no check character, no boundaries) on the same text and kinds;
4. names (``entities.extract``) on ``--entities`` records: ms per record (not a goal; the
   after-archiving step per record).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import resource
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sd.archive.core.mining.findings import entities  # noqa: E402
from sd.archive.core.mining.findings import neardup  # noqa: E402
from sd.archive.core.mining.findings import sensitive  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌辉鹏玉兰晓东海燕"
CITIES = """
    济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州
    聊城 滨州 菏泽
""".split()  # noqa: SIM905 - a word list reads best as words
DISTRICTS = """
    历下区 市中区 槐荫区 天桥区 历城区 长清区 章丘区 崂山区 黄岛区 张店区
    芝罘区 奎文区
""".split()  # noqa: SIM905 - a word list reads best as words
ROADS = """
    泉城路 经十路 解放路 和平路 人民路 建设路 文化路 工业南路 花园路
    山大路
""".split()  # noqa: SIM905 - a word list reads best as words
BUREAUS = """
    财政局 档案馆 档案局 教育局 民政局 自然资源局 生态环境局
    住房和城乡建设局 交通运输局 水利局 农业农村局 商务局 文化和旅游局
    卫生健康委员会 审计局 统计局 医疗保障局 发展和改革委员会 工业和信息化局
    人力资源和社会保障局
""".split()  # noqa: SIM905 - a word list reads best as words
TOPICS = """
    档案数字化 电子档案单套制 固定资产清查 财务预算执行 安全生产检查
    政务服务事项 乡村振兴项目 老旧小区改造 防汛抗旱 文物保护 社会救助
    城市更新 公共卫生应急 数据共享交换 信用体系建设 营商环境优化 河湖长制
    农村饮水安全 消防安全 节能减排
""".split()  # noqa: SIM905 - a word list reads best as words
KINDS = ("通知", "请示", "批复", "报告", "纪要", "函")

BODY = [
    "为进一步做好{topic}工作，根据有关规定，结合本{unit}实际，现就有关事项{verb}如下。",
    "各单位要高度重视{topic}工作，明确责任分工，于{month}月{day}日前完成各项任务。",
    "经研究，同意{org}开展{topic}工作，所需经费{amount}万元由{org2}统筹安排。",
    "{year}年以来，{org}认真贯彻落实上级部署，{topic}工作取得明显成效。",
    "全年共完成{topic}项目{count}个，累计投入资金{amount}万元，惠及群众{people}人。",
    "请{org}于{month}月{day}日前将{topic}工作进展情况报送{org2}。",
    "会议由{person}主持，{person2}、{person3}等同志参加会议。",
    "会议听取了{org}关于{topic}工作的汇报，研究部署了下一阶段重点任务。",
    "联系人：{person}，联系电话：{landline}。",
    "{org}要加强与{org2}的沟通协调，形成工作合力，确保{topic}工作落到实处。",
    "针对检查中发现的{count}个问题，{org}已制定整改方案，明确整改时限和责任人。",
    "下一步，我们将继续深化{topic}工作，不断提升管理服务水平。",
    "对工作不力、进展缓慢的单位，将予以通报批评，并纳入年度考核。",
    "本{kind}自印发之日起施行，由{org2}负责解释。",
    "{city}市{district}{topic}工作推进会于{month}月{day}日在{road}召开。",
    "请各单位严格落实{topic}工作责任制，切实加强组织领导，确保各项措施落实到位。",
    "特此{kind_verb}。",
    "根据《关于做好{year}年度{topic}工作的通知》（{ref}）要求，现将有关情况报告如下。",
    "{topic}工作涉及面广、政策性强，各级各部门要统一思想，提高认识。",
    "截至{month}月底，全市{topic}工作完成率达到{percent}%，较去年同期提高{small}个百分点。",
    "建议由{org}牵头，会同{org2}等部门成立工作专班，统筹推进{topic}工作。",
    "请{org}按照职责分工，抓好{topic}工作的组织实施和监督检查。",
    "各地要及时总结{topic}工作经验做法，于{month}月{day}日前报送书面材料。",
    "{person}同志任{org}{post}，{person2}同志不再担任{org2}{post}职务。",
]
POSTS = ["主任", "副主任", "局长", "副局长", "科长", "处长", "馆长", "副馆长"]
VERBS = {
    "通知": "通知",
    "请示": "请示",
    "批复": "批复",
    "报告": "报告",
    "纪要": "纪要",
    "函": "函告",
}


#: lines holding a planted value or a telephone (a retyped digit would change the truth)
SENSITIVE_LINE = re.compile("电话|手机|身份证|住址|密级|★")


class Maker:
    """Generated records, their planted truths, deterministic by seed."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.landlines: list[str] = []

    def person(self) -> str:
        r = self.r
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2))))

    def org(self) -> str:
        return f"{self.r.choice(CITIES)}市{self.r.choice(BUREAUS)}"

    def ref(self) -> str:
        r = self.r
        return f"鲁{r.choice('财档教民政')}发〔{r.randint(2018, 2024)}〕{r.randint(1, 200)}号"

    def fill(self, template: str, kind: str) -> str:
        r = self.r
        landline = f"0{r.randint(531, 546)}-{r.randint(2000000, 8999999)}{r.randint(0, 9)}"
        if "{landline}" in template:
            self.landlines.append(landline)  # an office telephone: a true 固定电话 hit
        return template.format(
            topic=r.choice(TOPICS),
            unit=r.choice(("单位", "部门", "系统")),
            verb=r.choice(("通知", "安排", "说明")),
            month=r.randint(1, 12),
            day=r.randint(1, 28),
            org=self.org(),
            org2=self.org(),
            amount=r.randint(5, 9000),
            year=r.randint(2018, 2024),
            count=r.randint(2, 300),
            people=r.randint(100, 90000),
            person=self.person(),
            person2=self.person(),
            person3=self.person(),
            landline=landline,
            kind=kind,
            kind_verb=VERBS[kind],
            city=r.choice(CITIES),
            district=r.choice(DISTRICTS),
            road=r.choice(ROADS),
            ref=self.ref(),
            percent=r.randint(60, 99),
            small=r.randint(1, 20),
            post=r.choice(POSTS),
        )

    def document(self) -> tuple[str, list[str]]:
        r = self.r
        kind = r.choice(KINDS)
        head = f"{self.org()}关于{r.choice(TOPICS)}工作的{kind}"
        n = r.randint(6, 14)
        lines = [head, f"{self.ref()}", f"{self.org()}："]
        lines += [self.fill(r.choice(BODY), kind) for _ in range(n)]
        lines += [self.org(), f"{r.randint(2018, 2024)}年{r.randint(1, 12)}月{r.randint(1, 28)}日"]
        return kind, lines

    def near_copy(self, lines: list[str], kind: str) -> list[str]:
        """Small changes: a number retyped, one sentence reworded, a line added or dropped,
        punctuation and line breaks changed."""
        r = self.r
        out = list(lines)
        changes = r.randint(1, 3)
        for _ in range(changes):
            what = r.random()
            i = r.randrange(3, len(out))
            if what < 0.35 and not SENSITIVE_LINE.search(out[i]):  # a date or number retyped
                out[i] = "".join(
                    str((int(c) + 1) % 10) if c.isdigit() and r.random() < 0.3 else c
                    for c in out[i]
                )
            elif what < 0.6:  # a sentence reworded
                out[i] = self.fill(r.choice(BODY), kind)
            elif what < 0.8:  # a line added
                out.insert(i, self.fill(r.choice(BODY), kind))
            elif len(out) > 8:  # a line dropped
                del out[i]
        if r.random() < 0.5:  # re-flowed: punctuation, spaces and breaks
            out = [x.replace("，", ",").replace("：", ":") for x in out]
        return out

    def hard_negative(self, lines: list[str], kind: str) -> list[str]:
        """Same kind, same opening and closing, different body: not a duplicate."""
        r = self.r
        body = [self.fill(r.choice(BODY), kind) for _ in range(len(lines) - 5)]
        return [*lines[:3], *body, *lines[-2:]]

    def id_number(self, valid: bool = True) -> str:
        r = self.r
        area = r.choice(("370102", "370203", "370302", "370481", "371002", "371302"))
        birth = f"{r.randint(1950, 2005)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}"
        body = f"{area}{birth}{r.randint(0, 999):03d}"
        check = sensitive.check_character(body)
        if not valid:
            check = r.choice([c for c in "0123456789" if c != check])
        return body + check

    def mobile(self) -> str:
        r = self.r
        return f"1{r.choice('3456789')}{r.randint(0, 9)}{r.randint(0, 99999999):08d}"

    def sensitive_line(self) -> tuple[str, list[str]]:
        """A line with real sensitive values, and the values (the truth)."""
        r = self.r
        choice = r.random()
        if choice < 0.35:
            v = self.id_number()
            return f"申请人{self.person()}，身份证号码{v}，现居{r.choice(CITIES)}市。", [v]
        if choice < 0.65:
            v = self.mobile()
            return f"联系人：{self.person()}，手机{v}。", [v]
        if choice < 0.85:
            v = (
                f"山东省{r.choice(CITIES)}市{r.choice(DISTRICTS)}{r.choice(ROADS)}"
                f"{r.randint(1, 300)}号"
            )
            return f"住址：{v}。", [v]
        v = r.choice(("秘密★1年", "机密★5年", "绝密★", "密级：机密"))
        return v, [v]

    def decoy_line(self) -> str:
        """A line with no sensitive value that looks like one. Most are what the rules tell
        apart (a wrong check character, digits inside a longer number, 商业秘密); some they
        cannot: a random 18-digit order number that happens to carry a valid date and check
        character, an 11-digit contract number after letters that reads as a mobile number."""
        r = self.r
        choice = r.random()
        if choice < 0.3:
            return f"订单编号{self.id_number(valid=False)}，已完成付款。"
        if choice < 0.45:
            return f"订单编号{r.randint(10**17, 10**18 - 1)}，已完成付款。"
        if choice < 0.65:
            return f"业务流水号2023{r.randint(10**12, 10**13 - 1)}，请妥善保存。"
        if choice < 0.8:
            return f"合同编号HT{self.mobile()}，请按合同约定执行。"
        return "各单位要依法保护商业秘密和个人隐私。"


def build(n: int, seed: int):
    """(texts, bytes per record, truth pairs, hard negative pairs, sensitive truth per record)."""
    m = Maker(seed)
    texts: list[str] = []
    truth: set[tuple[int, int]] = set()
    negatives: set[tuple[int, int]] = set()
    planted: dict[int, list[str]] = {}
    kinds: list[str] = []
    lines_of: list[list[str]] = []
    while len(texts) < n:
        i = len(texts)
        roll = m.r.random()
        if i > 100 and roll < 0.02:  # exact duplicate of an earlier record
            j = m.r.randrange(i)
            texts.append(texts[j])
            kinds.append(kinds[j])
            lines_of.append(lines_of[j])
            planted[i] = list(planted.get(j, []))
            truth.add((j, i))
            continue
        m.landlines = []
        if i > 100 and roll < 0.05:  # near-duplicate
            j = m.r.randrange(i)
            lines = m.near_copy(lines_of[j], kinds[j])
            truth.add((j, i))
            kind = kinds[j]
        elif i > 100 and roll < 0.08:  # hard negative
            j = m.r.randrange(i)
            lines = m.hard_negative(lines_of[j], kinds[j])
            negatives.add((j, i))
            kind = kinds[j]
        else:
            kind, lines = m.document()
        # values of the record copied from (kept when the copy kept their line) and telephones
        values: list[str] = list(planted.get(j, [])) if roll < 0.08 and i > 100 else []
        values += m.landlines
        if m.r.random() < 0.05:
            line, new = m.sensitive_line()
            values += new
            lines = [*lines[:-2], line, *lines[-2:]]
        if m.r.random() < 0.05:
            lines = [*lines[:-2], m.decoy_line(), *lines[-2:]]
        text = "\n".join(lines)
        texts.append(text)
        kinds.append(kind)
        lines_of.append(lines)
        planted[i] = [v for v in values if v in text or v.replace("：", ":") in text]
    # near copies of a record that has exact copies are duplicates of those too
    groups: dict[int, set[int]] = {}
    for a, b in truth:
        ga, gb = groups.get(a, {a}), groups.get(b, {b})
        merged = ga | gb
        for k in merged:
            groups[k] = merged
    closed = set()
    for members in {id(g): g for g in groups.values()}.values():
        ordered = sorted(members)
        for x in range(len(ordered)):
            for y in range(x + 1, len(ordered)):
                closed.add((ordered[x], ordered[y]))
    return texts, closed, negatives, planted


def score(found: set, truth: set) -> tuple[float, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    return precision, recall


def sensitive_score(texts, planted, finder) -> tuple[float, float, int]:
    """(precision, recall, hits): a hit is right when it covers a planted value."""
    hits = right = 0
    wanted = found_values = 0
    for i, text in enumerate(texts):
        values = planted.get(i) or []
        spans = []
        text = unicodedata.normalize("NFKC", text)  # as the finder reads it (：→ :)
        for v in values:
            at = text.find(unicodedata.normalize("NFKC", v))
            if at >= 0:
                spans.append((at, at + len(v)))
        wanted += len(spans)
        got = finder(text)
        hits += len(got)
        covered = set()
        for h in got:
            for k, (s, e) in enumerate(spans):
                if h.start < e and s < h.end:
                    right += 1
                    covered.add(k)
                    break
        found_values += len(covered)
    return (right / hits if hits else 1.0), (found_values / wanted if wanted else 1.0), hits


BUILTIN_NAIVE_KINDS = ("id_number", "mobile")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=28)
    parser.add_argument("--entities", type=int, default=2000)
    args = parser.parse_args()

    t0 = time.perf_counter()
    texts, truth, negatives, planted = build(args.records, args.seed)
    chars = sum(len(t) for t in texts)
    print(
        f"corpus: {len(texts):,} records, {chars / len(texts):.0f} characters each, "
        f"{len(truth):,} duplicate pairs planted, {len(negatives):,} hard negatives, "
        f"made in {time.perf_counter() - t0:.1f} s"
    )

    # baseline: exact digest of the file (SM3, as records keep it)
    t0 = time.perf_counter()
    by_digest: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        by_digest.setdefault(hashlib.new("sm3", text.encode("utf-8")).hexdigest(), []).append(i)
    exact = {
        (a, b)
        for members in by_digest.values()
        for x, a in enumerate(members)
        for b in members[x + 1 :]
    }
    t_exact = time.perf_counter() - t0

    # near-duplicate detection over all records
    t0 = time.perf_counter()
    index = neardup.LshIndex()
    near = set()
    for i, text in enumerate(texts):
        for other, _sim in index.add(str(i), neardup.signature(text), neardup.size(text)):
            a, b = sorted((int(other), i))
            near.add((a, b))
    t_near = time.perf_counter() - t0
    found = exact | near
    p_base, r_base = score(exact, truth)
    p_sys, r_sys = score(found, truth)
    false_negatives = len(negatives & found)
    print(
        f"near-duplicate detection over {len(texts):,} records: {t_near:.1f} s "
        f"({t_near / len(texts) * 1000:.2f} ms/record; goal 10 min for 100,000)"
    )
    print(f"exact digest (baseline): {t_exact:.1f} s")
    print(
        f"duplicates  digest+near: precision {p_sys:.3f} recall {r_sys:.3f}  "
        f"({len(found):,} pairs, {false_negatives} hard negatives flagged)"
    )
    print(f"duplicates  digest only: precision {p_base:.3f} recall {r_base:.3f}")
    print(f"recall ratio (digest+near / digest only): {r_sys / r_base:.2f}x")

    # sensitive content: the finder vs a naive regex (the same two kinds for the naive side)
    t0 = time.perf_counter()
    p_s, r_s, n_s = sensitive_score(texts, planted, sensitive.find)
    t_s = time.perf_counter() - t0
    only = {i: [v for v in vs if v.isdigit() or v[:-1].isdigit()] for i, vs in planted.items()}
    p_s2, r_s2, n_s2 = sensitive_score(
        texts, only, lambda t: [h for h in sensitive.find(t) if h.kind in BUILTIN_NAIVE_KINDS]
    )
    p_n, r_n, n_n = sensitive_score(texts, only, sensitive.naive_find)
    print(f"sensitive, all kinds: precision {p_s:.3f} recall {r_s:.3f} ({n_s:,} hits, {t_s:.1f} s)")
    print(
        f"sensitive, 身份证号+手机 finder: precision {p_s2:.3f} recall {r_s2:.3f} ({n_s2:,} hits)"
    )
    print(
        f"sensitive, 身份证号+手机 naive regex (baseline): precision {p_n:.3f} "
        f"recall {r_n:.3f} ({n_n:,} hits)"
    )
    print(f"precision ratio (finder / naive): {p_s2 / p_n:.2f}x")

    # names: per-record time on a sample
    sample = texts[: args.entities]
    entities.extract(sample[0])  # load the tagger
    t0 = time.perf_counter()
    for text in sample:
        entities.extract(text)
    t_e = time.perf_counter() - t0
    print(f"names on {len(sample):,} records: {t_e / len(sample) * 1000:.1f} ms/record")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {rss:.0f} MB")


if __name__ == "__main__":
    main()
