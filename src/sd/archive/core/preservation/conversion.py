"""Format conversion to preservation formats (格式转换), with a migration attestation.

DOCX/DOC/ODT/RTF/WPS → PDF/A-2b with LibreOffice headless; PDF → PDF/A-2b with Ghostscript;
JPEG/BMP/GIF/… → PNG (or TIFF) with Pillow; OFD, PNG and TIFF are kept as they are. The
original is never touched. Each call returns an attestation (tool and version, SM3 of source
and result, significant properties: page count and extracted text) that the Plone side signs
and logs as a ``convert`` ledger event.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

from lxml import etree

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

from .hashing import file_size
from .hashing import sm3_file

OFFICE = {"docx", "doc", "odt", "rtf", "wps"}
IMAGES_TO_CONVERT = {"jpg", "jpeg", "bmp", "gif", "webp"}
KEEP = {"ofd", "png", "tif", "tiff"}
TEXT_THRESHOLD = 0.95
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


class ConversionError(ArchiveError):
    """A conversion tool failed or is missing (格式转换失败)."""

    def __init__(self, message, problems=None):
        super().__init__(message, list(problems or []), 500, "ConversionFailed")


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def gs_binary() -> str | None:
    return shutil.which("gs")


def _run(cmd: list[str], *, cwd=None, timeout: int = 180) -> str:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConversionError(
            f"{cmd[0]} failed", [Problem("CONVERT-TOOL", str(exc), cmd[0])]
        ) from exc
    if proc.returncode != 0:
        err = (
            proc.stderr.decode("utf-8", "replace")[-800:]
            or proc.stdout.decode("utf-8", "replace")[-800:]
        )
        raise ConversionError(f"{cmd[0]} failed", [Problem("CONVERT-TOOL", err.strip(), cmd[0])])
    return proc.stdout.decode("utf-8", "replace")


@functools.cache
def tool_version(tool: str) -> str:
    """``LibreOffice 7.4.7.2 …`` / ``Ghostscript 10.00.0`` / ``Pillow 11.0.0`` / poppler."""
    if tool == "LibreOffice":
        return _run([soffice_binary(), "--version"]).strip()
    if tool == "Ghostscript":
        return "Ghostscript " + _run([gs_binary(), "--version"]).strip()
    if tool == "Pillow":
        import PIL

        return f"Pillow {PIL.__version__}"
    raise KeyError(tool)


def _describe(path: Path, fmt: str) -> dict:
    return {"name": path.name, "format": fmt, "sm3": sm3_file(path), "size": file_size(path)}


# ---- significant properties -------------------------------------------------------------


def pdf_page_count(path: Path) -> int | None:
    if shutil.which("pdfinfo"):
        try:
            out = _run(["pdfinfo", str(path)], timeout=60)
        except ConversionError:
            return None
        m = re.search(r"^Pages:\s+(\d+)", out, re.M)
        return int(m.group(1)) if m else None
    data = path.read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?!s)", data)) or None


def pdf_text(path: Path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    try:
        return _run(["pdftotext", "-enc", "UTF-8", str(path), "-"], timeout=120)
    except ConversionError:
        return None


_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def office_text(path: Path) -> str | None:
    """Text of a DOCX (word/document.xml) or ODT (content.xml); None for other formats."""
    member = {"docx": "word/document.xml", "odt": "content.xml"}.get(
        path.suffix.lower().lstrip(".")
    )
    if member is None:
        return None
    try:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read(member), _SAFE)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return None
    return "".join(root.itertext())


def office_page_count(path: Path) -> int | None:
    """Pages as recorded by the producing application (docProps/app.xml or meta.xml)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "docProps/app.xml" in names:
                m = re.search(rb"<Pages>(\d+)</Pages>", z.read("docProps/app.xml"))
            elif "meta.xml" in names:
                m = re.search(rb'page-count="(\d+)"', z.read("meta.xml"))
            else:
                m = None
    except zipfile.BadZipFile:
        return None
    return int(m.group(1)) if m else None


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def text_similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigram multisets after removing white space (0–1)."""
    a, b = _normal(a), _normal(b)
    if not a and not b:
        return 1.0
    if len(a) < 2 or len(b) < 2:
        return 1.0 if a == b else 0.0
    from collections import Counter

    ca = Counter(a[i : i + 2] for i in range(len(a) - 1))
    cb = Counter(b[i : i + 2] for i in range(len(b) - 1))
    return 2 * sum((ca & cb).values()) / (sum(ca.values()) + sum(cb.values()))


def pdfa_checks(path: Path) -> dict:
    """Markers of PDF/A in the result: /OutputIntents and the XMP pdfaid part/conformance."""
    part = conf = None
    intents = False
    tail = b""
    with open(path, "rb") as f:  # scanned in chunks with an overlap, never read whole
        while chunk := f.read(1 << 20):
            data = tail + chunk
            intents = intents or b"/OutputIntents" in data
            part = part or re.search(rb"pdfaid:part(?:>|=[\"'])\s*(\d)", data)
            conf = conf or re.search(rb"pdfaid:conformance(?:>|=[\"'])\s*([ABUabu])", data)
            tail = data[-128:]
    return {
        "output_intents": intents,
        "pdfa_part": part.group(1).decode() if part else None,
        "pdfa_conformance": conf.group(1).decode().upper() if conf else None,
    }


def _compare(pages_src, pages_res, text_src, text_res) -> dict:
    props = {
        "pages": {
            "source": pages_src,
            "result": pages_res,
            "equal": None if pages_src is None or pages_res is None else pages_src == pages_res,
        }
    }
    if text_src is None or text_res is None:
        props["text"] = {"similarity": None, "equal": None}
    else:
        sim = round(text_similarity(text_src, text_res), 4)
        props["text"] = {"similarity": sim, "equal": sim >= TEXT_THRESHOLD}
    return props


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
        _run(
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
    props = _compare(
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
        _run(
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
    props = _compare(
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
