"""Running the text tools (外部工具) with a time limit and one thread each."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

#: Seconds one tool call may take before it counts as failed (超时).
TIMEOUT = float(os.environ.get("SD_ARCHIVE_TEXT_TIMEOUT", 120))


class ToolFailed(Exception):
    """A tool is missing, crashed, timed out or answered an error: ``reason`` is zh + en."""

    def __init__(self, reason: str, stderr: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.stderr = stderr


@dataclass
class Output:
    stdout: bytes
    stderr: str


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def run(args: list[str], timeout: float | None = None, cwd: str | None = None) -> Output:
    """Run ``args``; ToolFailed on a missing tool, a non-zero exit or a timeout.

    Tesseract runs with ``OMP_THREAD_LIMIT=1``: on a few cores its OpenMP threads fight each
    other (7–11 s a page instead of ~1.5 s); parallelism comes from running pages side by side.
    """
    if not have(args[0]):
        raise ToolFailed(f"未安装文本提取工具 {args[0]} (the tool {args[0]} is not installed)")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"}
    try:
        done = subprocess.run(  # noqa: S603 - fixed tools, paths as separate arguments
            args,
            capture_output=True,
            timeout=TIMEOUT if timeout is None else timeout,
            env=env,
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ToolFailed(
            f"文本提取超时（{args[0]}）(text extraction timed out in {args[0]})"
        ) from None
    except OSError as error:
        raise ToolFailed(f"文本提取工具无法运行 ({args[0]} could not run: {error})") from None
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise ToolFailed(
            f"文本提取工具出错 ({args[0]} failed with exit code {done.returncode})", stderr
        )
    return Output(done.stdout, stderr)
