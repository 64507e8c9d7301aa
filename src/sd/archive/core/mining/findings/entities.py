"""People, organisations and places named in a text (人名、机构名、地名).

jieba's part-of-speech tagger (``jieba.posseg``, the bundled dictionary, no network) tags
person names ``nr``, places ``ns`` and organisations ``nt``. Alone it is noisy on official
documents, so the finder adds three rules of its own:

- a person (人名) is 2–4 characters and starts with a common surname (:data:`SURNAMES`);
  the tagger's ``nr`` for 同志, 主任 … or a two-character verb is dropped;
- an organisation (机构) is an ``nt``, or a place/organisation followed within four words by
  a word ending the way Chinese organisation names end (:data:`ORG_ENDINGS`: 局, 厅, 委员会,
  办公室, 档案馆, 公司 …): 济南市 + 档案馆 → 济南市档案馆, 济南市 发展 和 改革 委员会 →
  济南市发展和改革委员会;
- a place (地名) is an ``ns`` of 2+ characters or a name of the province's gazetteer
  (:data:`GAZETTEER`: cities, districts and counties of 山东, the provinces), which the tagger
  often tags as a common noun (历下区 n).

Only Chinese text is read (:func:`~.text.is_chinese`), at most
:data:`~.text.ENTITY_CHARS` characters of it; a text in another language has no names here.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter

from .text import ENTITY_CHARS
from .text import is_chinese
from .text import prepare

KINDS = ("people", "organisations", "places")
#: the most names of one kind kept for a record (most frequent first)
MAX_PER_KIND = 20

SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
#: what the tagger may call a person and is not one
NOT_PEOPLE = frozenset(
    {"同志", "主任", "局长", "处长", "科长", "书记", "领导", "干部", "职工", "文件", "高度", "明确",
     "安全", "任务", "任免", "常务", "成立", "时间", "方案", "管理", "于是", "金额", "和平"}
)  # fmt: skip
ORG_ENDINGS = (
    "委员会",
    "办公室",
    "办公厅",
    "档案馆",
    "档案局",
    "人民政府",
    "政府",
    "研究院",
    "研究所",
    "检察院",
    "法院",
    "医院",
    "学院",
    "大学",
    "中学",
    "小学",
    "学校",
    "公司",
    "集团",
    "银行",
    "分行",
    "支行",
    "协会",
    "学会",
    "基金会",
    "中心",
    "图书馆",
    "博物馆",
    "出版社",
    "电视台",
    "报社",
    "联合会",
    "党委",
    "党组",
    "厅",
    "局",
    "委",
    "署",
    "处",
    "院",
    "所",
    "站",
    "队",
    "办",
)
#: the province's places (山东省 cities, their districts and counties) and the provinces
GAZETTEER = frozenset(
    """
    山东 山东省 济南 济南市 青岛 青岛市 淄博 淄博市 枣庄 枣庄市 东营 东营市 烟台
    烟台市 潍坊 潍坊市 济宁 济宁市 泰安 泰安市 威海 威海市 日照 日照市 临沂 临沂市
    德州 德州市 聊城 聊城市 滨州 滨州市 菏泽 菏泽市 历下区 市中区 槐荫区 天桥区
    历城区 长清区 章丘区 济阳区 莱芜区 钢城区 平阴县 商河县 市南区 市北区 黄岛区
    崂山区 李沧区 城阳区 即墨区 胶州市 平度市 莱西市 张店区 淄川区 博山区 临淄区
    周村区 桓台县 高青县 沂源县 薛城区 峄城区 台儿庄区 山亭区 滕州市 东营区 河口区
    垦利区 利津县 广饶县 芝罘区 福山区 牟平区 莱山区 蓬莱区 龙口市 莱阳市 莱州市
    招远市 栖霞市 海阳市 潍城区 寒亭区 坊子区 奎文区 青州市 诸城市 寿光市 安丘市
    高密市 昌邑市 任城区 兖州区 曲阜市 邹城市 泰山区 岱岳区 新泰市 肥城市 环翠区
    文登区 荣成市 乳山市 东港区 岚山区 兰山区 罗庄区 河东区 德城区 陵城区 乐陵市
    禹城市 东昌府区 茌平区 临清市 滨城区 沾化区 邹平市 牡丹区 定陶区 北京 北京市
    天津 天津市 上海 上海市 重庆 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省
    浙江省 安徽省 福建省 江西省 河南省 湖北省 湖南省 广东省 海南省 四川省 贵州省
    云南省 陕西省 甘肃省 青海省 台湾省 内蒙古自治区 广西壮族自治区 西藏自治区
    宁夏回族自治区 新疆维吾尔自治区 香港特别行政区 澳门特别行政区
    """.split()  # noqa: SIM905 - a word list reads best as words
)
#: how a place name ends (the tagger's ``ns`` without one — 馆藏 — is not taken)
PLACE_ENDINGS = frozenset("省市区县镇乡村旗盟州路街巷道港湾岛山河湖江海")
#: what follows an issuer's prefix (鲁某发〔2023〕), not a person's name
_PREFIX_FOLLOWERS = set("发办字函〔[［【(（")
_ORG_PARTS = {"n", "nt", "ns", "vn", "nz", "j", "c", "an", "l"}

_lock = threading.Lock()
_tagger = None


def tagger():
    """jieba's part-of-speech tagger on the search segmenter's dictionary, loaded once."""
    global _tagger
    if _tagger is None:
        with _lock:
            if _tagger is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(logging.WARNING)
                from sd.archive.core.search.segment import tokenizer

                _tagger = jieba.posseg.POSTokenizer(tokenizer())
    return _tagger


def _ends_as_org(word: str) -> bool:
    return any(word.endswith(end) for end in ORG_ENDINGS)


def _is_person(word: str, flag: str) -> bool:
    return (
        flag == "nr"
        and 2 <= len(word) <= 4
        and word[0] in SURNAMES
        and word not in NOT_PEOPLE
        and word not in GAZETTEER
    )


def _is_place(word: str, flag: str) -> bool:
    return word in GAZETTEER or (flag == "ns" and len(word) >= 2 and word[-1] in PLACE_ENDINGS)


def tagged(text: str) -> list[tuple[str, str]]:
    return [(p.word, p.flag) for p in tagger().cut(text)]


def _organisations(tokens: list[tuple[str, str]]) -> list[tuple[int, str]]:
    """(position, name) of every organisation: an ``nt``, or a place/``nt`` followed within
    four words by a word with an organisation ending (the longest such run)."""
    found = []
    i = 0
    while i < len(tokens):
        word, flag = tokens[i]
        if flag == "nt" or _is_place(word, flag):
            best = i if flag == "nt" and len(word) >= 4 else None
            for j in range(i + 1, min(i + 5, len(tokens))):
                w, f = tokens[j]
                if (f not in _ORG_PARTS and w not in GAZETTEER) or (f == "c" and best is not None):
                    break
                if _ends_as_org(w) and f != "c":
                    best = j
            if best is not None:
                name = "".join(w for w, _f in tokens[i : best + 1])
                if 4 <= len(name) <= 30:
                    found.append((i, name))
                    i = best + 1
                    continue
        i += 1
    return found


def extract(text) -> dict[str, list[str]]:
    """People, organisations and places in ``text``: ``{"people": [...], "organisations":
    [...], "places": [...]}``, each most frequent first, at most :data:`MAX_PER_KIND`; empty
    lists for no text or text that is not Chinese."""
    out: dict[str, list[str]] = {kind: [] for kind in KINDS}
    text = prepare(text, ENTITY_CHARS)
    if not text.strip() or not is_chinese(text):
        return out
    tokens = tagged(text)
    counts: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    first: dict[tuple[str, str], int] = {}
    orgs = _organisations(tokens)
    in_org = set()
    for pos, name in orgs:
        counts["organisations"][name] += 1
        first.setdefault(("organisations", name), pos)
        in_org.add(pos)
    for pos, (word, flag) in enumerate(tokens):
        following = tokens[pos + 1][0] if pos + 1 < len(tokens) else ""
        if _is_person(word, flag) and following[:1] not in _PREFIX_FOLLOWERS:
            kind = "people"
        elif _is_place(word, flag):
            kind = "places"
        else:
            continue
        counts[kind][word] += 1
        first.setdefault((kind, word), pos)
    for kind in KINDS:
        ranked = sorted(counts[kind].items(), key=lambda wc: (-wc[1], first[(kind, wc[0])]))
        out[kind] = [w for w, _c in ranked[:MAX_PER_KIND]]
    return out
