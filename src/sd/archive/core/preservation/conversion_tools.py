"""Conversion tools (格式转换工具): finding LibreOffice and Ghostscript, running them, their
versions for the attestation, and the error a failed or missing tool raises."""

from __future__ import annotations

import functools
import shutil
import subprocess

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem


class ConversionError(ArchiveError):
    """A conversion tool failed or is missing (格式转换失败)."""

    def __init__(self, message, problems=None):
        super().__init__(message, list(problems or []), 500, "ConversionFailed")


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def gs_binary() -> str | None:
    return shutil.which("gs")


def run_tool(cmd: list[str], *, cwd=None, timeout: int = 180) -> str:
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
        return run_tool([soffice_binary(), "--version"]).strip()
    if tool == "Ghostscript":
        return "Ghostscript " + run_tool([gs_binary(), "--version"]).strip()
    if tool == "Pillow":
        import PIL

        return f"Pillow {PIL.__version__}"
    raise KeyError(tool)
