"""The PDF of a rectification notice with its answer (整改通知书及答复): one page or two, printed
by :func:`sd.archive.core.statistics.pdf.document_pdf`. The caller hands a plain dict."""

from __future__ import annotations

from sd.archive.core.rectification.rules import ACTIONS
from sd.archive.core.rectification.rules import STATE_WORDS
from sd.archive.core.statistics.pdf import document_pdf


def notice_pdf(notice: dict) -> bytes:
    """``notice``: number, agency, fonds, title, text, deadline, state, issuer, issued,
    figures [{label, value}], records [{archival_code, title}], answer, answered_by,
    answer_records, decision_comment, history [{time, actor, action, comment}] (times already
    in Beijing time)."""
    blocks: list[tuple] = [
        (
            "sign",
            [
                ("通知编号", notice.get("number", "")),
                ("被通知机关", f"{notice.get('agency', '')}（全宗号 {notice.get('fonds', '')}）"),
                ("整改期限", notice.get("deadline", "")),
                ("状态", STATE_WORDS.get(notice.get("state", ""), notice.get("state", ""))),
                ("下发人", f"{notice.get('issuer', '')}  {notice.get('issued', '')}"),
            ],
        ),
        ("h", "一、整改事项"),
        ("p", notice.get("text", "")),
    ]
    if notice.get("figures"):
        blocks += [
            ("h", "二、引用的指标"),
            (
                "table",
                ["指标", "数值"],
                [[f["label"], str(f["value"])] for f in notice["figures"]],
                [120, 50],
            ),
        ]
    if notice.get("records"):
        blocks += [
            ("h", "三、引用的档案"),
            (
                "table",
                ["档号", "题名"],
                [[r["archival_code"], r["title"]] for r in notice["records"]],
                [60, 110],
            ),
        ]
    blocks.append(("h", "四、整改情况答复"))
    if notice.get("answer"):
        blocks.append(("p", notice["answer"]))
        blocks.append(("p", f"答复人：{notice.get('answered_by', '')}"))
        if notice.get("answer_records"):
            blocks.append(
                (
                    "table",
                    ["补充归档档号", "题名"],
                    [[r["archival_code"], r["title"]] for r in notice["answer_records"]],
                    [60, 110],
                )
            )
    else:
        blocks.append(("p", "（尚未答复）"))
    if notice.get("decision_comment"):
        blocks += [("h", "五、审核意见"), ("p", notice["decision_comment"])]
    blocks += [
        ("h", "办理过程"),
        (
            "table",
            ["时间（北京时间）", "办理人", "事项", "说明"],
            [
                [h["time"], h["actor"], ACTIONS.get(h["action"], h["action"]), h.get("comment", "")]
                for h in notice.get("history", [])
            ],
            [38, 30, 32, 70],
        ),
    ]
    return document_pdf(f"整改通知书 {notice.get('number', '')}", blocks, notice.get("title", ""))
