"""Arrangement suggestions (整理建议) learned per fonds from its own arranged records.

For a record no schedule rule decided (待人工整理), :meth:`ArrangementModel.suggest` proposes
门类 (category), 保管期限 (retention period), 机构或问题 (organisation code) and the entry of
the archiving scope (归档范围条目, the schedule rule) that records like it fell under, each with
a confidence, and names the arranged records it resembles most (相似档案). A person accepts or
corrects it; the model never arranges a record itself.

How it learns (:func:`train`): every arranged record of the fonds is a :class:`Sample`; its
description words (题名, 文种, 责任者 …) and file-text words become two TF-IDF blocks
(scikit-learn ``TfidfVectorizer`` over jieba words), weighted and joined; one linear classifier
per value (``SGDClassifier`` with logistic loss: probabilities for the confidence, trains on
100,000 records in seconds). The same vectors find the nearest arranged records (cosine).

When it says nothing (:class:`NoSuggestion`, with a reason the page shows):

- a fonds with fewer than :data:`MIN_RECORDS` arranged records, or with one category only, is
  not trained (:class:`NotTrainable`) — there is nothing to tell apart;
- a record whose words the model never saw (no text, a text in another language, a title of
  unknown words) gets no suggestion: it would be a guess;
- a value whose confidence is below ``min_confidence`` is left out.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.mining.features import Sample
from sd.archive.core.mining.features import identity
from sd.archive.core.mining.features import is_chinese
from sd.archive.core.mining.features import meta_tokens
from sd.archive.core.mining.features import text_tokens

#: the values a model suggests, in the order a page shows them
TARGETS = ("category", "retention", "org_code", "rule_id")
TARGET_TITLES = {
    "category": "门类",
    "retention": "保管期限",
    "org_code": "机构或问题",
    "rule_id": "归档范围条目",
}
MIN_RECORDS = 20
MIN_CONFIDENCE = 0.2
NEIGHBOURS = 5
#: weight of the file-text block against the description block (1.0)
TEXT_WEIGHT = 0.6
#: query terms used to find neighbours (the heaviest ones): bounds the time of one look-up
NEIGHBOUR_TERMS = 40
FORMAT = 1

# reasons of NoSuggestion / NotTrainable (machine-readable; the Plone side words them)
TOO_FEW = "too-few-records"  # 已整理档案太少
ONE_CATEGORY = "one-category"  # 只有一个门类
NO_MODEL = "no-model"  # 尚未训练
NO_WORDS = "no-known-words"  # 无可识别的词
FOREIGN = "not-chinese"  # 非中文文本
LOW_CONFIDENCE = "low-confidence"  # 置信度过低


class NotTrainable(Exception):
    """The fonds cannot be learned from (不能训练): ``reason`` is :data:`TOO_FEW` or
    :data:`ONE_CATEGORY`; ``count`` the arranged records found."""

    def __init__(self, reason: str, count: int, detail: str = ""):
        super().__init__(f"{reason}: {count} {detail}".strip())
        self.reason, self.count, self.detail = reason, count, detail


@dataclass(frozen=True)
class Neighbour:
    """An arranged record the suggestion resembles (相似档案)."""

    ref: str
    label: str
    similarity: float
    category: str
    retention: str
    org_code: str
    rule_id: str

    def as_dict(self) -> dict:
        return {
            "ref": self.ref,
            "label": self.label,
            "similarity": round(self.similarity, 3),
            "category": self.category,
            "retention": self.retention,
            "org_code": self.org_code,
            "rule_id": self.rule_id,
        }


@dataclass(frozen=True)
class Value:
    """One suggested value with its confidence (0…1) and the runner-up values."""

    value: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()

    def as_dict(self) -> dict:
        return {
            "value": self.value,
            "confidence": round(self.confidence, 3),
            "alternatives": [{"value": v, "confidence": round(c, 3)} for v, c in self.alternatives],
        }


@dataclass(frozen=True)
class Suggestion:
    """What the model proposes for one record (整理建议)."""

    values: dict[str, Value]
    neighbours: tuple[Neighbour, ...]
    words: tuple[str, ...] = ()  # the record's words that weigh most (依据的词)
    version: str = ""
    ok: bool = True
    reason: str = ""

    def value(self, target: str) -> str:
        found = self.values.get(target)
        return found.value if found else ""

    def as_dict(self) -> dict:
        return {
            "ok": True,
            "version": self.version,
            "values": {k: v.as_dict() for k, v in self.values.items()},
            "neighbours": [n.as_dict() for n in self.neighbours],
            "words": list(self.words),
        }


@dataclass(frozen=True)
class NoSuggestion:
    """No suggestion, and why (无建议及原因)."""

    reason: str
    detail: str = ""
    version: str = ""
    ok: bool = False
    values: dict = field(default_factory=dict)
    neighbours: tuple = ()

    def value(self, target: str) -> str:
        return ""

    def as_dict(self) -> dict:
        return {"ok": False, "reason": self.reason, "detail": self.detail, "version": self.version}


def _vectorizer(min_df, max_df=0.5):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer=identity,
        lowercase=False,
        sublinear_tf=True,
        min_df=min_df,
        max_df=max_df,
        max_features=200_000,
        dtype=np.float32,
    )


class _Constant:
    """A target every arranged record shares one value of (e.g. all 永久): said as it is."""

    def __init__(self, value: str):
        self.classes_ = [value]

    def predict_proba(self, matrix):
        import numpy as np

        return np.ones((matrix.shape[0], 1), dtype="float32")


def _classifier(labels: list[str]):
    if len(set(labels)) == 1:
        return _Constant(labels[0])
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(
        loss="log_loss", alpha=2e-5, max_iter=30, tol=1e-4, random_state=7, average=False
    )


class ArrangementModel:
    """A trained model of one fonds (全宗整理模型): vectorizers, one classifier per target,
    the arranged records' vectors (for the neighbours) and what it was trained on."""

    def __init__(self, fonds_code: str):
        self.format = FORMAT
        self.fonds_code = fonds_code
        self.meta = None
        self.text = None
        self.classifiers: dict = {}
        self.matrix = None  # CSC, one column per feature: a neighbour look-up reads few columns
        self.rows: list[tuple[str, str, str, str, str, str]] = []
        self.trained_at = ""
        self.seconds = 0.0
        self.counts: dict[str, dict[str, int]] = {}
        self.samples = 0
        self.version = ""
        #: word document frequencies of the fonds (for free keywords), learned alongside
        self.term_statistics = None

    # -- vectors --------------------------------------------------------------------------

    def _vectors(self, metas, texts):
        from scipy.sparse import hstack
        from sklearn.preprocessing import normalize

        joined = hstack([self.meta.transform(metas), self.text.transform(texts) * TEXT_WEIGHT])
        return normalize(joined.tocsr(), copy=False)

    def vector(self, sample: Sample):
        return self._vectors([meta_tokens(sample)], [text_tokens(sample)])

    # -- suggestion -----------------------------------------------------------------------

    def suggest(
        self,
        sample: Sample,
        *,
        min_confidence: float = MIN_CONFIDENCE,
        neighbours: int = NEIGHBOURS,
    ) -> Suggestion | NoSuggestion:
        """The suggestion for ``sample`` (a record waiting for review), or why there is none."""
        described = f"{sample.title}{sample.item_name}"
        if not (described.strip() or (sample.text or "").strip()):
            return NoSuggestion(NO_WORDS, "没有题名也没有全文 / no title and no text", self.version)
        if not is_chinese(described) and not is_chinese(sample.text or ""):
            detail = "题名和全文都不是中文 / neither title nor text is Chinese"
            return NoSuggestion(FOREIGN, detail, self.version)
        vector = self.vector(sample)
        if vector.nnz == 0:
            return NoSuggestion(
                NO_WORDS, "没有模型认识的词 / no word the model knows", self.version
            )
        values = {}
        for target, classifier in self.classifiers.items():
            probabilities = classifier.predict_proba(vector)[0]
            ranked = sorted(
                zip(classifier.classes_, probabilities, strict=True), key=lambda p: -p[1]
            )
            best, confidence = ranked[0]
            if confidence < min_confidence or (target != "category" and not best):
                continue  # unsure, or "none" (no org code, no scope entry)
            runners = tuple((str(v), float(c)) for v, c in ranked[1:3] if c >= 0.05)
            values[target] = Value(str(best), float(confidence), runners)
        if "category" not in values:
            return NoSuggestion(
                LOW_CONFIDENCE, "门类置信度过低 / category confidence too low", self.version
            )
        return Suggestion(
            values=values,
            neighbours=self.neighbours(vector, neighbours),
            words=self.weighty_words(vector),
            version=self.version,
        )

    def neighbours(self, vector, count: int = NEIGHBOURS) -> tuple[Neighbour, ...]:
        """The arranged records most like ``vector`` (cosine over the heaviest query terms)."""
        import numpy as np

        if self.matrix is None or count <= 0 or vector.nnz == 0:
            return ()
        order = np.argsort(-vector.data)[:NEIGHBOUR_TERMS]
        columns, weights = vector.indices[order], vector.data[order]
        scores = np.asarray(self.matrix[:, columns] @ weights).ravel()
        if not scores.any():
            return ()
        count = min(count, len(scores))
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.argsort(-scores[top])]
        found = []
        for index in top:
            if scores[index] <= 0:
                break
            ref, label, category, retention, org_code, rule_id = self.rows[index]
            found.append(
                Neighbour(ref, label, float(scores[index]), category, retention, org_code, rule_id)
            )
        return tuple(found)

    def weighty_words(self, vector, count: int = 6) -> tuple[str, ...]:
        """The record's words that weigh most in its vector (what the suggestion rests on)."""
        import numpy as np

        names = self._feature_names()
        order = np.argsort(-vector.data)[: count * 2]
        words = []
        for index in vector.indices[order]:
            name = names[index]
            word = name.split(":", 1)[1] if name[:2] in ("t:", "d:", "a:", "k:") else name
            if len(word) > 1 and word not in words:  # a single character says little
                words.append(word)
        return tuple(words[:count])

    def _feature_names(self):
        names = getattr(self, "_names", None)
        if names is None:
            names = [*self.meta.get_feature_names_out(), *self.text.get_feature_names_out()]
            self._names = names
        return names

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_names", None)
        return state

    def summary(self) -> dict:
        """What the model was trained on (训练概况), for the status page."""
        return {
            "fonds": self.fonds_code,
            "version": self.version,
            "trained_at": self.trained_at,
            "seconds": round(self.seconds, 1),
            "samples": self.samples,
            "counts": self.counts,
            "targets": sorted(self.classifiers),
        }


def _labelled(samples: list[Sample], target: str) -> list[int]:
    return [i for i, s in enumerate(samples) if getattr(s, target)]


def train(
    samples: list[Sample],
    fonds_code: str,
    *,
    min_records: int = MIN_RECORDS,
    now: str = "",
    keep_rows: bool = True,
) -> ArrangementModel:
    """Learn the fonds' arrangement from its arranged records (学习已整理档案).

    Raises :class:`NotTrainable` for too few records or a single category. ``org_code`` is
    learned with "" (none) as a value of its own; ``rule_id`` only from the records a rule
    decided, when there are at least ``min_records`` of them."""
    started = time.perf_counter()
    arranged = [s for s in samples if s.category and s.retention]
    if len(arranged) < min_records:
        raise NotTrainable(TOO_FEW, len(arranged), f"< {min_records}")
    categories = Counter(s.category for s in arranged)
    if len(categories) < 2:
        raise NotTrainable(ONE_CATEGORY, len(arranged), next(iter(categories)))
    model = ArrangementModel(fonds_code)
    metas = [meta_tokens(s) for s in arranged]
    texts = [text_tokens(s) for s in arranged]
    min_df = 2 if len(arranged) >= 200 else 1
    model.meta = _vectorizer(min_df).fit(metas)
    try:
        model.text = _vectorizer(min_df).fit(texts)
    except ValueError:  # no file text in the whole fonds: an empty block
        model.text = _vectorizer(1, 1.0).fit([["\x00"]])
    matrix = model._vectors(metas, texts)
    for target in TARGETS:
        if target == "rule_id" and len(_labelled(arranged, target)) < min_records:
            continue  # too few records a rule decided: no scope entry suggestions
        labels = [getattr(s, target) or "" for s in arranged]
        classifier = _classifier(labels)
        if not isinstance(classifier, _Constant):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=UserWarning)  # convergence
                classifier.fit(matrix, labels)
        model.classifiers[target] = classifier
        model.counts[target] = dict(Counter(labels).most_common(50))
    if keep_rows:
        model.matrix = matrix.tocsc()
        model.rows = [
            (s.ref, s.label or s.title, s.category, s.retention, s.org_code, s.rule_id)
            for s in arranged
        ]
    model.samples = len(arranged)
    model.trained_at = now
    model.seconds = time.perf_counter() - started
    return model
