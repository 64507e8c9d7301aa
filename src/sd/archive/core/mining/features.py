"""What a suggestion looks at (建议依据): one record's description and file text as words.

A :class:`Sample` is a record as the mining models see it: 题名, 文种, 责任者, 文件类型,
事项名称 and the first :data:`TEXT_CHARS` characters of its file text, plus — for an arranged
record — what it was arranged as (门类, 保管期限, 机构或问题, the schedule rule that decided it).

Words come from the search segmenter (:mod:`sd.archive.core.search.segment`: jieba's default
cut through rjieba, NFKC, lower case), so a suggestion and a search see the same words. The
description and the file text are two separate blocks of features (:func:`meta_tokens`,
:func:`text_tokens`): a title is short and says most about a record, a file text is long, so
the model weighs the two blocks apart instead of letting the text drown the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sd.archive.core.search import segment

#: characters of file text a model reads (the head of a document says what it is about; a
#: longer text costs segmentation time without changing the words that matter)
TEXT_CHARS = 3000
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_DIGITS = re.compile(r"^[0-9.]+$")

#: words that say nothing about what a record is (虚词、公文套语)
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 对 为 是 将 把 被 由 等 之 其 并 从 "  # noqa: SIM905 - a word list reads best as words
    "向 于 以 按 经 据 所 而 也 就 都 又 这 那 此 该 各 有 无 "
    "不 要 已 请 予 以及 关于 有关 进行 根据 按照 为了 对于 通过 "
    "我们 你们 他们 一个 一些 如下 以下 以上 其中 同时 今年 去年 "
    "本年 年度 年 月 日 第 号 件 份 附件 特此 现将 现就 抄送 印发 "
    "发文 办公室 此致 敬礼 本月 本次 近期 下一步".split()
)


@dataclass(frozen=True)
class Sample:
    """One record for the mining models (挖掘样本).

    ``ref`` identifies the record (its UID on a site), ``label`` is what a person recognises
    it by (档号 or 题名). ``category`` … ``rule_id`` are empty for a record not arranged yet.
    """

    ref: str = ""
    label: str = ""
    title: str = ""
    doc_type: str = ""
    author: str = ""
    kind: str = ""
    item_name: str = ""
    text: str = ""
    year: int | None = None
    category: str = ""
    retention: str = ""
    org_code: str = ""
    rule_id: str = ""


def _words(text: str) -> list[str]:
    return [w for w in segment.words(text) if w not in STOPWORDS and not _DIGITS.match(w)]


def meta_tokens(sample: Sample) -> list[str]:
    """The description block (著录项): title and 事项名称 words, 文种, 责任者, 文件类型."""
    tokens = [f"t:{w}" for w in _words(f"{sample.title}\n{sample.item_name}")]
    if sample.doc_type:
        tokens.append(f"d:{sample.doc_type.strip()}")
    if sample.author:
        tokens.append(f"a:{sample.author.strip()}")
    if sample.kind:
        tokens.append(f"k:{sample.kind.strip()}")
    return tokens


def text_tokens(sample: Sample) -> list[str]:
    """The file-text block (全文): the words of the head of the file text."""
    return _words((sample.text or "")[:TEXT_CHARS])


def identity(tokens):
    """The analyzer of the vectorizers: the tokens are made here, not by scikit-learn (a
    module function, so a stored model refers to it by name)."""
    return tokens


def cjk_share(text: str) -> float:
    """The share of Chinese characters among the letters of ``text`` (0 for no letters)."""
    letters = _LETTER.findall(text or "")
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _CJK.match(ch)) / len(letters)


def is_chinese(text: str, threshold: float = 0.3) -> bool:
    """True when at least ``threshold`` of the letters are Chinese (中文文本): the models
    learned Chinese words, so a text in another language tells them nothing."""
    return cjk_share(text) >= threshold
