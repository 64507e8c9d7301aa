"""Generated Chinese records for the search benchmark (检索基准的中文样本): titles, 文号,
责任者 and a few hundred characters of file text per record, drawn deterministically (record
``i`` always reads the same) from jieba's own dictionary — 349,046 real Chinese words with
their frequencies — in the shape of official documents."""

from __future__ import annotations

import itertools
import pathlib
import random
from functools import lru_cache

import jieba

KINDS = ("通知", "报告", "请示", "批复", "意见", "决定", "函", "纪要")
DEPARTMENTS = (
    "财政厅",
    "教育厅",
    "公安厅",
    "民政厅",
    "人力资源和社会保障厅",
    "自然资源厅",
    "生态环境厅",
    "住房和城乡建设厅",
    "交通运输厅",
    "水利厅",
    "农业农村厅",
    "商务厅",
    "文化和旅游厅",
    "卫生健康委员会",
    "审计厅",
    "档案馆",
    "统计局",
    "医疗保障局",
)
ABBR = (
    "财",
    "教",
    "公",
    "民",
    "人社",
    "自然",
    "环",
    "建",
    "交",
    "水",
    "农",
    "商",
    "文",
    "卫",
    "审",
    "档",
    "统",
    "医",
)
PARTS = ("省", "市", "县")
RETENTIONS = ("Y", "D30", "D10")
ORGS = ("BGS", "CWK", "RSK", "ZHK")
SECURITY = ("公开", "公开", "公开", "内部")
OPEN_STATUS = ("待审", "开放", "控制")


@lru_cache(maxsize=1)
def vocabulary() -> tuple[list[str], list[float]]:
    """Words of 2–4 characters with a part of speech worth writing (nouns, verbs), weighted
    by the square root of their frequency (common words common, rare ones present)."""
    path = pathlib.Path(jieba.__file__).with_name("dict.txt")
    words, weights = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        word, freq, tag = parts[0], int(parts[1]), parts[2]
        if (
            2 <= len(word) <= 4
            and freq >= 50
            and tag[:1] in ("n", "v")
            and all("\u4e00" <= ch <= "\u9fff" for ch in word)
        ):
            words.append(word)
            weights.append(freq**0.5)
    return words, list(itertools.accumulate(weights))


def record(i: int, fonds: str = "B001") -> dict:
    """The fields and file text of generated record ``i``."""
    rnd = random.Random(i)
    words, weights = vocabulary()
    pick = lambda k: rnd.choices(words, cum_weights=weights, k=k)  # noqa: E731
    year = 2000 + i % 24
    dept = rnd.randrange(len(DEPARTMENTS))
    part = PARTS[i % 3]
    topic = pick(2)
    title = f"{part}{DEPARTMENTS[dept]}关于{''.join(topic)}的{KINDS[i % len(KINDS)]}"
    sentences = []
    for _ in range(rnd.randint(25, 40)):
        sentences.append("".join(pick(rnd.randint(4, 9))) + rnd.choice("，。；。"))
    text = "".join(sentences)
    retention = RETENTIONS[i % 3]
    org = ORGS[i % 4]
    return {
        "title": title,
        "text": f"{title}\n{text}",
        "archival_code": f"{fonds}-WS·{year}-{retention}-{org}-{i % 10000 + 1:04d}",
        "document_number": f"鲁{ABBR[dept]}发〔{year}〕{i % 500 + 1}号",
        "electronic_record_id": f"OA-{fonds}-{i:07d}",
        "author": f"{part}{DEPARTMENTS[dept]}办公室",
        "keywords": topic,
        "year": year,
        "retention": retention,
        "org": org,
        "month": 1 + i % 12,
        "security": SECURITY[i % 4],
        "open_status": OPEN_STATUS[i % 3],
        "topic": topic,
    }
