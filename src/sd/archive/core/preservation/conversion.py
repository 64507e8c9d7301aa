"""Format conversion to preservation formats (格式转换), with a migration attestation.

DOCX/DOC/ODT/RTF/WPS → PDF/A-2b with LibreOffice headless; PDF → PDF/A-2b with Ghostscript;
JPEG/BMP/GIF/… → PNG (or TIFF) with Pillow; OFD, PNG and TIFF are kept as they are. The
original is never touched. Each call returns an attestation (tool and version, SM3 of source
and result, significant properties: page count and extracted text) that the Plone side signs
and logs as a ``convert`` ledger event.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

from sd.archive.core.errors import Problem

from .conversion_tools import ConversionError
from .conversion_tools import gs_binary
from .conversion_tools import run_tool
from .conversion_tools import soffice_binary
from .conversion_tools import tool_version
from .hashing import file_size
from .hashing import sm3_file
from .significant_properties import compare
from .significant_properties import office_page_count
from .significant_properties import office_text
from .significant_properties import pdf_page_count
from .significant_properties import pdf_text
from .significant_properties import pdfa_checks

OFFICE = {"docx", "doc", "odt", "rtf", "wps"}
IMAGES_TO_CONVERT = {"jpg", "jpeg", "bmp", "gif", "webp"}
KEEP = {"ofd", "png", "tif", "tiff"}
LO_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
GS_SEARCH = ("/usr/share/ghostscript", "/usr/local/share/ghostscript")
ICC_CANDIDATES = ("/usr/share/color/icc/ghostscript/srgb.icc",)


@dataclass
class ConversionResult:
    result: Path | None  # the preservation copy (== source when kept)
    attestation: dict

    @property
    def ok(self) -> bool:
        return bool(self.attestation.get("ok"))


def _describe(path: Path, fmt: str) -> dict:
    return {"name": path.name, "format": fmt, "sm3": sm3_file(path), "size": file_size(path)}


# ---- significant properties -------------------------------------------------------------


def _attest(action, tool, source, src_fmt, result, res_fmt, props, checks) -> dict:
    ok = result is not None and all(v["equal"] is not False for v in props.values())
    if checks:
        ok = ok and checks.get("output_intents") and checks.get("pdfa_part") == "2"
    return {
        "action": action,
        "tool": tool,
        "tool_version": tool_version(tool) if tool else None,
        "source": _describe(source, src_fmt),
        "result": _describe(result, res_fmt) if result is not None else None,
        "significant_properties": props,
        "checks": checks,
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "ok": bool(ok),
    }


# ---- converters ---------------------------------------------------------------------------


def office_to_pdfa(source: Path, out_dir: Path, *, timeout: int = 180) -> ConversionResult:
    """DOCX/DOC/ODT → PDF/A-2b with LibreOffice, one private user profile per call."""
    soffice = soffice_binary()
    if not soffice:
        raise ConversionError(
            "LibreOffice is not installed",
            [Problem("CONVERT-TOOL", "soffice not found", "soffice")],
        )
    with tempfile.TemporaryDirectory(prefix="lo-") as work:
        work = Path(work)
        profile = work / f"profile-{uuid.uuid4().hex}"
        src = work / ("in" + source.suffix.lower())
        shutil.copyfile(source, src)
        run_tool(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                LO_FILTER,
                "--outdir",
                str(work / "out"),
                str(src),
            ],
            timeout=timeout,
        )
        produced = work / "out" / "in.pdf"
        if not produced.exists():
            raise ConversionError(
                "LibreOffice produced nothing", [Problem("CONVERT-TOOL", "no PDF", source.name)]
            )
        result = Path(out_dir) / (source.stem + ".pdf")
        result.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(produced, result)
    props = compare(
        office_page_count(source), pdf_page_count(result), office_text(source), pdf_text(result)
    )
    return ConversionResult(
        result,
        _attest(
            "convert",
            "LibreOffice",
            source,
            source.suffix.lstrip(".").upper(),
            result,
            "PDF/A-2b",
            props,
            pdfa_checks(result),
        ),
    )


def _gs_pdfa_files(work: Path) -> None:
    """Copy srgb.icc and PDFA_def.ps into the working dir (the stock one cannot find its ICC)."""
    icc = next((p for p in ICC_CANDIDATES if Path(p).exists()), None)
    defs = None
    for base in GS_SEARCH:
        for p in sorted(Path(base).glob("*/lib/PDFA_def.ps")) if Path(base).exists() else []:
            defs = p
        if icc is None:
            for p in (
                sorted(Path(base).glob("*/iccprofiles/srgb.icc")) if Path(base).exists() else []
            ):
                icc = str(p)
    if icc is None or defs is None:
        raise ConversionError(
            "Ghostscript PDF/A files not found",
            [Problem("CONVERT-TOOL", "srgb.icc or PDFA_def.ps missing", "gs")],
        )
    shutil.copyfile(icc, work / "srgb.icc")
    text = defs.read_text("latin-1")
    text = re.sub(r"/ICCProfile\s*\([^)]*\)", "/ICCProfile (srgb.icc)", text)
    (work / "PDFA_def.ps").write_text(text, "latin-1")


def pdf_to_pdfa(source: Path, out_dir: Path, *, timeout: int = 300) -> ConversionResult:
    """PDF → PDF/A-2b with Ghostscript; checks /OutputIntents in the result."""
    gs = gs_binary()
    if not gs:
        raise ConversionError(
            "Ghostscript is not installed", [Problem("CONVERT-TOOL", "gs not found", "gs")]
        )
    with tempfile.TemporaryDirectory(prefix="gs-") as work:
        work = Path(work)
        _gs_pdfa_files(work)
        shutil.copyfile(source, work / "in.pdf")
        run_tool(
            [
                gs,
                "-dPDFA=2",
                "-dBATCH",
                "-dNOPAUSE",
                "-dSAFER",
                "-dNOOUTERSAVE",
                "-sColorConversionStrategy=RGB",
                "-sProcessColorModel=DeviceRGB",
                "-dPDFACompatibilityPolicy=1",
                "-sDEVICE=pdfwrite",
                "--permit-file-read=srgb.icc",
                "-sOutputFile=out.pdf",
                "PDFA_def.ps",
                "in.pdf",
            ],
            cwd=work,
            timeout=timeout,
        )
        result = Path(out_dir) / (source.stem + ".pdfa.pdf")
        result.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(work / "out.pdf", result)
    checks = pdfa_checks(result)
    props = compare(
        pdf_page_count(source), pdf_page_count(result), pdf_text(source), pdf_text(result)
    )
    return ConversionResult(
        result, _attest("convert", "Ghostscript", source, "PDF", result, "PDF/A-2b", props, checks)
    )


def image_to_lossless(source: Path, out_dir: Path, *, fmt: str = "PNG") -> ConversionResult:
    """Raster image → PNG or TIFF (lossless); the decoded pixels must be identical."""
    from PIL import Image

    from .hashing import sm3_bytes

    fmt = fmt.upper()
    ext = {"PNG": ".png", "TIFF": ".tif"}[fmt]
    result = Path(out_dir) / (source.stem + ext)
    result.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as im:
        frames = getattr(im, "n_frames", 1)
        im.load()
        mode = im.mode if im.mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16") else "RGB"
        converted = im.convert(mode) if mode != im.mode else im
        src_pixels = sm3_bytes(converted.tobytes())
        size = converted.size
        kwargs = {"compression": "tiff_deflate"} if fmt == "TIFF" else {"optimize": False}
        converted.save(result, fmt, **kwargs)
    with Image.open(result) as back:
        back.load()
        res_pixels = (
            sm3_bytes(back.convert(mode).tobytes())
            if back.mode != mode
            else sm3_bytes(back.tobytes())
        )
        res_size = back.size
    props = {
        "pages": {"source": frames, "result": 1, "equal": frames == 1},
        "dimensions": {"source": list(size), "result": list(res_size), "equal": size == res_size},
        "pixels": {"source": src_pixels, "result": res_pixels, "equal": src_pixels == res_pixels},
    }
    return ConversionResult(
        result,
        _attest(
            "convert", "Pillow", source, source.suffix.lstrip(".").upper(), result, fmt, props, None
        ),
    )


def keep(source: Path) -> ConversionResult:
    """OFD (and PNG/TIFF) are preservation formats already: kept as is."""
    props = {}
    return ConversionResult(
        source,
        _attest(
            "keep",
            None,
            source,
            source.suffix.lstrip(".").upper(),
            source,
            source.suffix.lstrip(".").upper(),
            props,
            None,
        ),
    )


def convert(source, out_dir, *, image_format: str = "PNG", timeout: int = 300) -> ConversionResult:
    """Convert one file to its preservation format by extension; see the module docstring."""
    source, out_dir = Path(source), Path(out_dir)
    ext = source.suffix.lower().lstrip(".")
    if ext in OFFICE:
        return office_to_pdfa(source, out_dir, timeout=timeout)
    if ext == "pdf":
        return pdf_to_pdfa(source, out_dir, timeout=timeout)
    if ext in IMAGES_TO_CONVERT:
        return image_to_lossless(source, out_dir, fmt=image_format)
    if ext in KEEP:
        return keep(source)
    raise ConversionError(
        "no preservation format for this file type",
        [Problem("CONVERT-FORMAT", f"unsupported extension .{ext}", source.name)],
    )
