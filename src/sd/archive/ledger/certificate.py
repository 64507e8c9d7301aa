"""Evidence certificate (存证证书) of an exported record: a PDF page and a PNG image, each with
a QR code and the text needed to find and check the entry (origin, index, tree size, root,
leaf hash, archival code, file digests). The JSON proof bundle next to it is what
``sd-archive-verify`` checks offline; the certificate lets a reader find it by eye or scan.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import qrcode

from sd.archive.core import pdffonts
from sd.archive.core.ledger.checkpoint import parse_checkpoint
from sd.archive.core.ledger.notes import parse_note

CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)


def certificate_lines(bundle: dict, title: str, confirmed_by: list[str]) -> list[str]:
    checkpoint = parse_checkpoint(parse_note(bundle["checkpoint"]).text)
    lines = [
        f"档号 Archival code: {bundle['archival_code']}",
        f"题名 Title: {title}",
        f"事件 Event: {bundle['entry']['event']}  时间 Time: {bundle['entry']['time']}",
        f"存证节点 Origin: {checkpoint.origin}",
        f"序号 Index: {bundle['leaf_index']}  树大小 Tree size: {bundle['tree_size']}",
        f"根哈希 Root ({bundle['hash_alg']}): {checkpoint.root.hex()}",
        f"叶哈希 Leaf hash: {bundle['leaf_hash']}",
        f"联署节点 Confirmed by: {', '.join(confirmed_by)}",
        "文件摘要 File digests:",
    ]
    lines += [f"  {path}  {digest}" for path, digest in bundle["files"].items()]
    lines.append("验证 Verify: sd-archive-verify --bundle proof.json --key nodes.vkey FILE...")
    return lines


def qr_payload(bundle: dict) -> str:
    checkpoint = parse_checkpoint(parse_note(bundle["checkpoint"]).text)
    return json.dumps(
        {
            "o": checkpoint.origin,
            "i": bundle["leaf_index"],
            "s": bundle["tree_size"],
            "r": checkpoint.root.hex(),
            "l": bundle["leaf_hash"],
            "c": bundle["archival_code"],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _qr_image(bundle: dict):
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=2)
    qr.add_data(qr_payload(bundle))
    qr.make(fit=True)
    return qr.make_image().get_image().convert("RGB")


def certificate_png(bundle: dict, title: str, confirmed_by: list[str]) -> bytes:
    from PIL import Image
    from PIL import ImageDraw
    from PIL import ImageFont

    lines = certificate_lines(bundle, title, confirmed_by)
    font_path = next((p for p in CJK_FONTS if Path(p).exists()), None)
    font = ImageFont.truetype(font_path, 16) if font_path else ImageFont.load_default()
    head = ImageFont.truetype(font_path, 24) if font_path else font
    qr = _qr_image(bundle)
    width = max(1100, qr.width + 40)
    height = 80 + 24 * len(lines) + qr.height + 40
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 20), "电子档案存证证书 Evidence certificate", fill="black", font=head)
    y = 70
    for line in lines:
        draw.text((20, y), line, fill="black", font=font)
        y += 24
    image.paste(qr, (20, y + 10))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def certificate_pdf(bundle: dict, title: str, confirmed_by: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, initialFontName=pdffonts.cjk_font())
    width, height = A4
    pdf.setTitle(f"Evidence certificate {bundle['archival_code']}")
    pdffonts.draw_string(pdf, 50, height - 60, "电子档案存证证书 Evidence certificate", 16)
    y = height - 90
    for line in certificate_lines(bundle, title, confirmed_by):
        pdffonts.draw_string(pdf, 50, y, line[:150], 8)
        y -= 13
    qr = io.BytesIO()
    _qr_image(bundle).save(qr, "PNG")
    pdf.drawImage(ImageReader(io.BytesIO(qr.getvalue())), 50, max(40, y - 190), 180, 180)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
