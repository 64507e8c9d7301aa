"""What every area's demo is made of (演示数据的公共部件): the demo accounts' password, a
one-page PDF with a title, a fonds from its spec. ``sd.archive.demo`` and the areas' own
demos (``appraisal.demo``, ``dossiers.demo`` …) use them; they import nothing of either."""

from __future__ import annotations

import io

from plone import api


def demo_password(user_id: str) -> str:
    return f"{user_id}-demo"


def demo_user(user_id: str, fullname: str, roles=("Member",)) -> None:
    """Make the demo account ``user_id`` (password :func:`demo_password`) unless it exists."""
    if api.user.get(username=user_id) is None:
        api.user.create(
            email=f"{user_id}@example.gov.cn",
            username=user_id,
            password=demo_password(user_id),
            roles=roles,
            properties={"fullname": fullname},
        )


def pdf_bytes(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with the record's title (demo content)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from sd.archive.core import pdffonts

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1, initialFontName=pdffonts.cjk_font())
    pdffonts.draw_string(pdf, 72, 770, title, 16)
    for i, line in enumerate(lines):
        pdffonts.draw_string(pdf, 72, 740 - 16 * i, line, 11)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def make_fonds(portal, spec):
    if spec["id"] in portal:
        return None
    fields = {
        k: spec[k]
        for k in (
            "title",
            "fonds_code",
            "agency_name",
            "credit_code",
            "network_domain",
            "record_kinds",
            "own_records_room",
        )
    }
    fields["public_reading"] = spec.get("public_reading", False)
    return api.content.create(container=portal, type="Fonds", id=spec["id"], **fields)
