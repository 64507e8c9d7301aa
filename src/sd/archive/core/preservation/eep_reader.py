"""Strict streaming DA/T 48 EEP reader (电子文件封装包读取与校验).

``read_eep`` parses with ``eep_parser.EEPParser`` (streaming, content decoded into sinks and
hashed on the fly) and checks the result with ``eep_checks.check_eep``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .aip_model import AIPRecord
from .aip_model import Component
from .aip_model import SignatureVerifier
from .eep_checks import check_eep
from .eep_parser import EEPParser
from .eep_parser import Node

_DIGEST = re.compile(r"SM3=([0-9a-fA-F]{64})")

# sink(component) -> binary stream to write the decoded content to (closed by the reader)
ContentSink = Callable[[Component], BinaryIO]


def read_eep(
    stream: BinaryIO,
    *,
    sink: ContentSink | None = None,
    content_dir: str | os.PathLike | None = None,
    verifier: SignatureVerifier | None = None,
    require_signature: bool = False,
    name: str = "EEP",
) -> AIPRecord:
    """Read and check one EEP; return its ``AIPRecord``.

    Content goes to ``sink(component)`` (a writable binary stream, closed here) or into
    ``content_dir`` as ``<序号>-<file name>`` (then ``Component.content`` is that path); with
    neither, it is decoded, hashed and dropped. Any failed check raises ``PackageError``
    listing every problem found.
    """
    opened: list[BinaryIO] = []
    meta: dict[int, Component] = {}

    def component_for(node: Node) -> Component:
        code = node.parent  # 编码
        props = code.child("电子属性") if code is not None else None
        doc = code.parent.parent if code is not None and code.parent is not None else None
        comp = Component(
            name=props.child_value("计算机文件名") if props else "",
            role=doc.child_value("题名") if doc else "",
            format=props.child_value("格式信息") if props else "",
            content=None,
        )
        m = _DIGEST.search(code.child_value("编码描述")) if code is not None else None
        comp.sm3 = m.group(1).lower() if m else None
        try:
            comp.size = int(props.child_value("计算机文件大小")) if props else None
        except ValueError:
            comp.size = None
        return comp

    def sink_for(node: Node) -> BinaryIO | None:
        comp = component_for(node)
        meta[id(node)] = comp
        if sink is not None:
            f = sink(comp)
        elif content_dir is not None:
            base = Path(comp.name.replace("\\", "/")).name or "content"
            path = Path(content_dir) / f"{len(meta):03d}-{base}"
            path.parent.mkdir(parents=True, exist_ok=True)
            comp.content = str(path)
            f = open(path, "wb")  # noqa: SIM115 - returned open to the parser, closed below
        else:
            return None
        opened.append(f)
        return f

    parser = EEPParser(sink_for)
    try:
        parser.parse(stream)
    finally:
        for f in opened:
            f.close()
    return check_eep(parser, meta, verifier, require_signature, name)
