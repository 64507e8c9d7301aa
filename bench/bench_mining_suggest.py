"""Arrangement and keyword suggestions (整理建议、主题词建议, #28 items 1 and 2): quality on
held-out records, latency of one suggestion, training time and memory.

    .venv/bin/python bench/bench_mining_suggest.py [--records 20000] [--train-records 100000]

Records are generated (``sd.archive.core.mining.sampledata``): a fonds of five categories whose
records have realistic Chinese titles, 文种, issuers and body text, arranged by topic with 6 %
of them arranged against their topic (a person's judgement), and a schedule whose rules cover
only some topics (预算, 任免, 培训, 函), as a fonds' review queue sees it.

1. **Quality** (held out by year): train on the years before the latest, suggest for every
   record of the latest year; top-1 accuracy of 门类 and 保管期限 beside two baselines measured
   in the same run — the most frequent value of the training years, and the rule engine alone
   (``core.arrangement.arrange`` with the schedule; a record it does not decide counts wrong) —
   and rules first with the suggestion for what they leave undecided.
2. **Latency**: one suggestion (vector, four classifiers, five neighbours) and one keyword
   suggestion for records of the latest year, on the model trained on ``--train-records``;
   p50/p95 (goal p95 ≤ 50 ms).
3. **Training** on ``--train-records`` records in a child process: wall time and peak RSS of
   that process (goal ≤ 5 min, ≤ 2 GB), and the size of the stored model file.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter


def _train_child(count: int, folder: str) -> None:
    """Child process: generate, train, store; print the figures as JSON."""
    from sd.archive.core.mining import arrangement
    from sd.archive.core.mining import keywords
    from sd.archive.core.mining import model_store
    from sd.archive.core.mining import sampledata

    samples = sampledata.records(count, seed=11)
    started = time.perf_counter()
    model = arrangement.train(samples, "J900")
    trained = time.perf_counter() - started
    model.term_statistics = keywords.TermStatistics.learn(f"{s.title}\n{s.text}" for s in samples)
    with_terms = time.perf_counter() - started
    store = model_store.ModelStore(folder)
    version = store.save("J900", model)
    total = time.perf_counter() - started
    size = (store.folder("J900") / version / model_store.MODEL_FILE).stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "records": count,
                "train_s": trained,
                "with_term_statistics_s": with_terms,
                "total_s": total,
                "peak_rss": peak,
                "model_bytes": size,
            }
        )
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def quality(count: int) -> dict:
    from sd.archive.core.arrangement import RecordFacts
    from sd.archive.core.arrangement import arrange
    from sd.archive.core.mining import arrangement
    from sd.archive.core.mining import sampledata
    from sd.archive.core.mining.features import Sample

    data = sampledata.records(count, seed=28)
    latest = max(s.year for s in data)
    train = [s for s in data if s.year < latest]
    test = [s for s in data if s.year == latest]
    scheme, schedule = sampledata.scheme("J900"), sampledata.schedule("J900")
    started = time.perf_counter()
    model = arrangement.train(train, "J900")
    print(
        f"trained on {len(train)} records ({min(s.year for s in train)}–{latest - 1}) "
        f"in {time.perf_counter() - started:.1f} s; testing on {len(test)} of {latest}"
    )
    common = {
        t: Counter(getattr(s, t) for s in train).most_common(1)[0][0]
        for t in ("category", "retention")
    }
    right = Counter()
    decided = 0
    suggested = 0
    for s in test:
        query = Sample(
            title=s.title, doc_type=s.doc_type, author=s.author, kind=s.kind, text=s.text
        )
        found = model.suggest(query)
        suggested += found.ok
        facts = RecordFacts(
            kind=s.kind,
            doc_type=s.doc_type,
            title=s.title,
            author=s.author,
            year=s.year,
            fonds_code="J900",
        )
        rule = arrange(facts, scheme, schedule)
        decided += rule.decided
        for target in ("category", "retention"):
            truth = getattr(s, target)
            right[("model", target)] += found.value(target) == truth
            right[("frequent", target)] += common[target] == truth
            right[("rules", target)] += rule.decided and getattr(rule, target) == truth
            combined = getattr(rule, target) if rule.decided else found.value(target)
            right[("rules+model", target)] += combined == truth
    n = len(test)
    result = {"test": n, "rule_coverage": decided / n, "suggested": suggested / n}
    for (who, target), value in right.items():
        result[f"{who}.{target}"] = value / n
    return result


def latency(model_folder: str, count: int = 1000) -> dict:
    from sd.archive.core.mining import keywords
    from sd.archive.core.mining import model_store
    from sd.archive.core.mining import sampledata
    from sd.archive.core.mining.features import Sample

    started = time.perf_counter()
    model = model_store.ModelStore(model_folder).load("J900").model
    load_s = time.perf_counter() - started
    thesaurus = keywords.Thesaurus(
        tuple(keywords.Term(w) for t in sampledata.TOPICS for w in t.keywords)
    )
    queries = sampledata.records(count, years=(2025,), seed=99)
    arrange_ms, keyword_ms = [], []
    for s in queries:
        query = Sample(
            title=s.title, doc_type=s.doc_type, author=s.author, kind=s.kind, text=s.text
        )
        t0 = time.perf_counter()
        model.suggest(query)
        t1 = time.perf_counter()
        keywords.suggest_keywords(s.title, s.text, thesaurus, model.term_statistics)
        t2 = time.perf_counter()
        arrange_ms.append((t1 - t0) * 1000)
        keyword_ms.append((t2 - t1) * 1000)
    return {
        "load_s": load_s,
        "arrange_p50": statistics.median(arrange_ms),
        "arrange_p95": _percentile(arrange_ms, 0.95),
        "keywords_p50": statistics.median(keyword_ms),
        "keywords_p95": _percentile(keyword_ms, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--train-records", type=int, default=100000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _train_child(int(args.child[0]), args.child[1])
        return

    print(f"== quality, held out by year ({args.records} generated records)")
    q = quality(args.records)
    for target, title in (("category", "门类"), ("retention", "保管期限")):
        model, frequent, rules = q[f"model.{target}"], q[f"frequent.{target}"], q[f"rules.{target}"]
        print(
            f"{title} top-1: suggestion {model:.3f} | most frequent {frequent:.3f} "
            f"(×{model / frequent:.2f}) | rule engine alone {rules:.3f} "
            f"(×{model / max(rules, 1e-9):.2f}) "
            f"| rules, then suggestion {q[f'rules+model.{target}']:.3f}"
        )
    print(
        f"rules decide {q['rule_coverage']:.1%} of the held-out records; a suggestion is made for "
        f"{q['suggested']:.1%}"
    )

    with tempfile.TemporaryDirectory(prefix="bench-mining-") as folder:
        print(f"== training on {args.train_records} records (child process)")
        out = (
            subprocess.run(
                [sys.executable, __file__, "--child", str(args.train_records), folder],
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        t = json.loads(out)
        print(
            f"train {t['train_s']:.1f} s (+ term statistics "
            f"{t['with_term_statistics_s'] - t['train_s']:.1f} s, stored "
            f"{t['total_s']:.1f} s in all; goal ≤ 300 s), peak RSS {t['peak_rss'] / 2**20:.0f} MB "
            f"(goal ≤ 2048 MB), model file {t['model_bytes'] / 2**20:.1f} MB"
        )
        print("== latency, 1000 records of a new year on that model")
        lat = latency(folder)
        print(
            f"model load {lat['load_s']:.2f} s (once per process); arrangement suggestion "
            f"p50 {lat['arrange_p50']:.1f} ms p95 {lat['arrange_p95']:.1f} ms (goal ≤ 50 ms); "
            f"keywords p50 {lat['keywords_p50']:.1f} ms p95 {lat['keywords_p95']:.1f} ms"
        )


if __name__ == "__main__":
    main()
