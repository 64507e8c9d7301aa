"""Bad-input corpus (异常信息包样本库): broken and hostile packages built from the valid samples.

``CORPUS`` lists :class:`Case` objects; ``case.build(path)`` writes the package to ``path``.
``status`` is the HTTP answer the REST layer must give (400/413 unreadable, 422 detection
failed, 201 accepted, 403 for the Plone-side fonds check); ``codes`` are error codes that must
all appear (reader problem codes for 400/413, failed detection item codes for 422).
``core_status`` is what the pure core decides on its own (None = accepted by the core).

Run ``python tests/corpus/build_corpus.py OUTDIR`` to write every case to a folder.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import sys
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

SAMPLES = Path(
    os.environ.get(
        "SD_ARCHIVE_SAMPLES",
        Path(__file__).resolve().parents[3] / "shared" / "samples" / "packages",
    )
)
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
META = "元数据.xml"
MANIFEST = "manifest-sm3.txt"
T1 = "J001/WS/2018/J001-WS·2018-D30-BGS-0001/"


@dataclass(frozen=True)
class Case:
    """One corpus case: name, builder, package kind, REST status, expected codes."""

    name: str
    build: Callable[[str], None]
    status: int
    codes: tuple[str, ...] = ()
    kind: str = "archive"
    core_status: int | None = field(default=None)

    @property
    def stage(self) -> str:
        return "transfer" if self.kind == "transfer" else "archiving"

    def expected_core_status(self) -> int | None:
        if self.core_status is not None:
            return self.core_status
        return self.status if self.status in (400, 413, 422) else None


# ---------------------------------------------------------------- helpers


def load(sample: str) -> dict[str, bytes]:
    with zipfile.ZipFile(SAMPLES / sample) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def remanifest(files: dict[str, bytes], algorithm: str = "sm3") -> dict[str, bytes]:
    """Recompute the root manifest over all other files."""
    name = f"manifest-{algorithm}.txt"
    body = {k: v for k, v in files.items() if not k.startswith("manifest-")}
    lines = "".join(
        f"{hashlib.new(algorithm, v).hexdigest()}  {k}\n"
        for k, v in body.items()
        if not k.endswith("/")
    )
    return {**body, name: lines.encode("utf-8")}


def write(
    path: str, files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED, utf8: bool = True
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w", method) as z:
            for name, data in files.items():
                info = zipfile.ZipInfo(name, (2023, 5, 12, 10, 0, 0))
                info.compress_type = method
                info.external_attr = (
                    (0o40755 << 16) | 0x10 if name.endswith("/") else 0o100644 << 16
                )
                if not utf8:
                    info.flag_bits &= ~0x800
                z.writestr(info, data)


def edit_xml(
    files: dict[str, bytes], old: str, new: str, name: str = META, count: int = 1
) -> dict[str, bytes]:
    text = files[name].decode("utf-8")
    assert old in text, (old, name)
    return {**files, name: text.replace(old, new, count).encode("utf-8")}


def set_file(
    files: dict[str, bytes], path: str, data: bytes, meta: str = META, fmt: str | None = None
) -> dict[str, bytes]:
    """Replace a content file and keep 元数据.xml (size, digest, format) consistent with it."""
    files = {**files, path: data}
    text = files[meta].decode("utf-8")
    rel = path[len(meta) - len(META) :] if meta != META else path
    pattern = re.compile(r"(<计算机文件名>" + re.escape(rel) + r"</计算机文件名>.*?</文档>)", re.S)
    match = pattern.search(text)
    if match:
        block = match.group(1)
        block2 = re.sub(
            r"<计算机文件大小>\d+</计算机文件大小>",
            f"<计算机文件大小>{len(data)}</计算机文件大小>",
            block,
        )
        block2 = re.sub(r">[0-9a-f]{64}</摘要值>", f">{sm3(data)}</摘要值>", block2)
        if fmt:
            block2 = re.sub(r"<格式信息>[^<]*</格式信息>", f"<格式信息>{fmt}</格式信息>", block2)
        text = text.replace(block, block2)
    files[meta] = text.encode("utf-8")
    return files


def rename_file(files: dict[str, bytes], old: str, new: str) -> dict[str, bytes]:
    files = {(new if k == old else k): v for k, v in files.items()}
    return edit_xml(
        files, f"<计算机文件名>{old}</计算机文件名>", f"<计算机文件名>{new}</计算机文件名>"
    )


def drop_component(files: dict[str, bytes], path: str) -> dict[str, bytes]:
    files = {k: v for k, v in files.items() if k != path}
    text = files[META].decode("utf-8")
    text = re.sub(
        r"\s*<文档 [^>]*><计算机文件名>" + re.escape(path) + r"</计算机文件名>.*?</文档>",
        "",
        text,
        flags=re.S,
    )
    return {**files, META: text.encode("utf-8")}


def patch_headers(path: str, name: str, *, size: int | None = None, flags: int = 0) -> None:
    """Rewrite the local and central headers of ``name``: a lying size, extra flag bits."""
    data = bytearray(Path(path).read_bytes())
    raw = name.encode("utf-8")
    # (signature, name-length offset, header size, flags offset, size offset)
    for magic, len_at, head, flags_at, size_at in (
        (b"PK\x03\x04", 26, 30, 6, 22),
        (b"PK\x01\x02", 28, 46, 8, 24),
    ):
        pos = 0
        while (pos := data.find(magic, pos)) >= 0:
            n = struct.unpack_from("<H", data, pos + len_at)[0]
            if data[pos + head : pos + head + n] == raw:
                if size is not None:
                    struct.pack_into("<L", data, pos + size_at, size)
                old = struct.unpack_from("<H", data, pos + flags_at)[0]
                struct.pack_into("<H", data, pos + flags_at, old | flags)
            pos += 4
    Path(path).write_bytes(bytes(data))


def encrypted_entry(path: str) -> None:
    raw_zip([(info("附件/secret.pdf"), b"%PDF-1.4")], gongwen())(path)
    patch_headers(path, "附件/secret.pdf", flags=0x1)


def zip_with(build_files: Callable[[], dict[str, bytes]], **kw) -> Callable[[str], None]:
    return lambda path: write(path, build_files(), **kw)


def raw_zip(
    entries: list[tuple[zipfile.ZipInfo, bytes]], base: dict[str, bytes] | None = None
) -> Callable[[str], None]:
    def build(path: str) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                for name, data in (base or {}).items():
                    z.writestr(name, data)
                for info, data in entries:
                    z.writestr(info, data)

    return build


def info(
    name: str, *, attr: int = 0o100644 << 16, method: int = zipfile.ZIP_DEFLATED
) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, (2023, 5, 12, 10, 0, 0))
    zi.external_attr = attr
    zi.compress_type = method
    return zi


def undecided_pre_archive(n: int, series: int = 8) -> bytes:
    """The pre-archive sample as record ``n`` of ``series`` (a digit that keeps the electronic
    record numbers of different tests apart), of a 文种 (公告) no schedule rule covers: it goes
    to the review queue."""
    files = edit_xml(
        load("pre-archive-gongwen.zip"), "OA-J001-2023-000000123", f"OA-J001-2023-{series}{n:08d}"
    )
    files = remanifest(edit_xml(files, "<文种>通知</文种>", "<文种>公告</文种>"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def gongwen() -> dict[str, bytes]:
    return load("archive-gongwen.zip")


def regen(
    func: Callable[[dict[str, bytes]], dict[str, bytes]], sample: str = "archive-gongwen.zip"
):
    """A builder: load a sample, change it, recompute the manifest, write it."""
    return zip_with(lambda: remanifest(func(load(sample))))


def transfer(func: Callable[[dict[str, bytes]], dict[str, bytes]], manifest: bool = True):
    def make():
        files = func(load("transfer-5-records.zip"))
        return remanifest(files) if manifest else files

    return zip_with(make)


# ---------------------------------------------------------------- hostile builders


def build_not_a_zip(path: str) -> None:
    Path(path).write_bytes(b"this is not a zip file\n" * 10)


def build_truncated(path: str) -> None:
    write(path, gongwen())
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])


def build_bomb(path: str) -> None:
    files = gongwen()
    files["附件/bomb.pdf"] = b"\0" * (4 * 1024 * 1024)
    write(path, remanifest(files))


def build_lying_bomb(path: str) -> None:
    files = gongwen()
    files["附件/lie.pdf"] = b"%PDF-1.4\n" + b"A" * 6000
    write(path, remanifest(files))
    patch_headers(path, "附件/lie.pdf", size=100)


def build_too_many(path: str) -> None:
    files = gongwen()
    for n in range(10_001):
        files[f"x/{n}.txt"] = b""
    write(path, files, method=zipfile.ZIP_STORED)


def build_too_large(path: str) -> None:
    files = {**gongwen(), "a.bin": b"a", "b.bin": b"b"}
    write(path, files, method=zipfile.ZIP_STORED)
    patch_headers(path, "a.bin", size=0xFFFFFF00)
    patch_headers(path, "b.bin", size=0xFFFFFF00)


def build_bad_crc(path: str) -> None:
    files = gongwen()
    write(path, files, method=zipfile.ZIP_STORED)
    data = bytearray(Path(path).read_bytes())
    marker = data.find(b"startxref")
    data[marker] ^= 0x20
    Path(path).write_bytes(bytes(data))


def build_huge_metadata(path: str) -> None:
    files = gongwen()
    text = files[META].decode("utf-8")
    files[META] = (
        text.replace("<摘要>", "")
        .replace("</电子文件>", "<摘要>" + "档" * (3 * 1024 * 1024) + "</摘要></电子文件>")
        .encode("utf-8")
    )
    write(path, remanifest(files), method=zipfile.ZIP_STORED)


XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE 电子文件 [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<电子文件 类型="电子公文" 版本="1.0"><题名>&xxe;</题名></电子文件>"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">\
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<电子文件>&lol3;</电子文件>"""


def with_meta(data: bytes) -> Callable[[str], None]:
    return regen(lambda f: {**f, META: data})


def gbk_undeclared(f: dict[str, bytes]) -> dict[str, bytes]:
    text = (
        f[META]
        .decode("utf-8")
        .replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?>')
    )
    return {**f, META: text.encode("gbk")}


def gbk_declared(f: dict[str, bytes]) -> dict[str, bytes]:
    text = f[META].decode("utf-8").replace('encoding="UTF-8"', 'encoding="GBK"')
    return {**f, META: text.encode("gbk")}


def sha256_variant(f: dict[str, bytes]) -> dict[str, bytes]:
    text = f[META].decode("utf-8")
    for path, data in f.items():
        if path.endswith(".pdf"):
            text = text.replace(sm3(data), hashlib.sha256(data).hexdigest())
    return {**f, META: text.replace('算法="SM3"', '算法="SHA-256"').encode("utf-8")}


def build_sha256(path: str) -> None:
    write(path, remanifest(sha256_variant(gongwen()), "sha256"))


def build_gbk_names(path: str) -> None:
    files = remanifest(gongwen())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(_gbk_info(name), data)


def _gbk_info(name: str) -> zipfile.ZipInfo:
    class GbkInfo(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's hook
            return self.filename.encode("gbk"), self.flag_bits & ~0x800

    zi = GbkInfo(name, (2023, 5, 12, 10, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    return zi


def exe_bytes() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00"
        + b"\x00" * 56
        + b"This program cannot be run in DOS mode.\r\n"
        + b"\x00" * 400
    )


def fake_ofd() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("Doc_0/Document.xml", "<Document/>")
    return buf.getvalue()


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return buf.getvalue()


def add_docx_main(f: dict[str, bytes]) -> dict[str, bytes]:
    f = rename_file(f, "正本/正本.pdf", "正本/正本.docx")
    return set_file(f, "正本/正本.docx", docx_bytes(), fmt="DOCX")


def eicar_attachment(f: dict[str, bytes]) -> dict[str, bytes]:
    f = rename_file(f, "附件/附件1.pdf", "附件/附件1.txt")
    return set_file(f, "附件/附件1.txt", EICAR, fmt="TXT")


def hash_sample_attachment(f: dict[str, bytes]) -> dict[str, bytes]:
    """The attachment replaced by the file the test signature database lists by its hash:
    only a real clamd finds it (see ``sd.archive.core.detection.clamd_local``)."""
    from sd.archive.core.detection.clamd_local import HASH_SAMPLE

    f = rename_file(f, "附件/附件1.pdf", "附件/附件1.txt")
    return set_file(f, "附件/附件1.txt", HASH_SAMPLE, fmt="TXT")


def t_meta(f, old, new, n=1):
    return edit_xml(f, old, new, name=f"J001/WS/2018/J001-WS·2018-D30-BGS-000{n}/{META}")


def t_catalogue(f, old, new):
    return edit_xml(f, old, new, name="目录文件.XML")


def t_description(f, old, new):
    return edit_xml(f, old, new, name="说明文件.TXT")


def t_drop_folder(f, n):
    prefix = f"J001/WS/2018/J001-WS·2018-D30-BGS-000{n}/"
    return {k: v for k, v in f.items() if not k.startswith(prefix)}


def t_drop_row(f, n):
    text = f["目录文件.XML"].decode("utf-8")
    text = re.sub(
        r"<文件><顺序号>" + str(n) + r"</顺序号>.*?</文件>", "", text, count=1, flags=re.S
    )
    return {**f, "目录文件.XML": text.encode("utf-8")}


def t_duplicate_row(f):
    text = f["目录文件.XML"].decode("utf-8")
    row = re.search(r"<文件><顺序号>1</顺序号>.*?</文件>", text, re.S).group(0)
    return {**f, "目录文件.XML": text.replace("</文件目录>", row + "</文件目录>").encode("utf-8")}


A = "archive"
P = "pre-archive"
T = "transfer"

CORPUS: list[Case] = [
    # -- accepted variants (the core must accept them too)
    Case("valid-archive-gongwen", zip_with(gongwen), 201),
    Case("valid-archive-zhengwu", zip_with(lambda: load("archive-zhengwu.zip")), 201),
    Case("valid-pre-archive", zip_with(lambda: load("pre-archive-gongwen.zip")), 201, kind=P),
    Case("valid-transfer", zip_with(lambda: load("transfer-5-records.zip")), 201, kind=T),
    Case("valid-sha256-digests", build_sha256, 201),
    Case("valid-gbk-declared-metadata", regen(gbk_declared), 201),
    Case("valid-gbk-entry-names", build_gbk_names, 201),
    Case(
        "valid-single-top-folder",
        zip_with(lambda: {f"pkg/{k}": v for k, v in gongwen().items()}),
        201,
    ),
    Case(
        "wrong-fonds",
        regen(
            lambda f: edit_xml(
                edit_xml(
                    edit_xml(f, "<全宗号>J001</全宗号>", "<全宗号>J999</全宗号>"),
                    "<档号>J001-",
                    "<档号>J999-",
                ),
                "山东省示例厅",
                "外省示例厅",
            )
        ),
        403,
        ("fonds.mismatch",),
    ),
    # -- unreadable or unsafe containers: 400 / 413
    Case("not-a-zip", build_not_a_zip, 400, ("zip.not-a-zip",)),
    Case("truncated-zip", build_truncated, 400, ("zip.not-a-zip",)),
    Case("empty-zip", zip_with(dict), 400, ("zip.empty",)),
    Case("only-directories", zip_with(lambda: {"正本/": b"", "附件/": b""}), 400, ("zip.empty",)),
    Case(
        "zip-slip",
        raw_zip([(info("../../evil.sh"), b"#!/bin/sh\n")], gongwen()),
        400,
        ("zip.path-traversal",),
    ),
    Case(
        "absolute-path",
        raw_zip([(info("/etc/cron.d/evil"), b"x")], gongwen()),
        400,
        ("zip.absolute-path",),
    ),
    Case(
        "drive-letter-path",
        raw_zip([(info("C:/Windows/evil.dll"), b"x")], gongwen()),
        400,
        ("zip.absolute-path",),
    ),
    Case(
        "backslash-traversal",
        raw_zip([(info("..\\..\\evil.bat"), b"x")], gongwen()),
        400,
        ("zip.backslash",),
    ),
    Case(
        "control-character-name",
        raw_zip([(info("附件/a\x07.pdf"), b"x")], gongwen()),
        400,
        ("zip.control-character",),
    ),
    Case(
        "symlink",
        raw_zip([(info("附件/link.pdf", attr=(0o120777 << 16)), b"/etc/passwd")], gongwen()),
        400,
        ("zip.symlink",),
    ),
    Case("encrypted-entry", encrypted_entry, 400, ("zip.encrypted",)),
    Case(
        "bzip2-compression",
        raw_zip([(info("附件/b.pdf", method=zipfile.ZIP_BZIP2), b"%PDF-1.4" * 10)], gongwen()),
        400,
        ("zip.compression",),
    ),
    Case(
        "duplicate-names",
        raw_zip([(info("附件/附件1.pdf"), b"%PDF-1.4 other")], gongwen()),
        400,
        ("zip.duplicate-name",),
    ),
    Case(
        "duplicate-names-case",
        raw_zip([(info("附件/附件1.PDF"), b"%PDF-1.4 other")], gongwen()),
        400,
        ("zip.duplicate-name",),
    ),
    Case("zip-bomb-ratio", build_bomb, 400, ("zip.ratio",)),
    Case("zip-bomb-lying-header", build_lying_bomb, 400, ("zip.size-mismatch",)),
    Case("too-many-entries", build_too_many, 400, ("zip.too-many-entries",)),
    Case("too-large-declared", build_too_large, 413, ("zip.too-large",)),
    Case("crc-mismatch", build_bad_crc, 400, ("zip.crc",)),
    Case(
        "metadata-missing",
        zip_with(lambda: remanifest({k: v for k, v in gongwen().items() if k != META})),
        400,
        ("package.metadata-missing",),
    ),
    Case("xxe", with_meta(XXE.encode("utf-8")), 400, ("xml.doctype",)),
    Case("billion-laughs", with_meta(LAUGHS.encode("utf-8")), 400, ("xml.doctype",)),
    Case("gbk-undeclared", regen(gbk_undeclared), 400, ("xml.encoding",)),
    Case(
        "latin1-declared",
        regen(lambda f: edit_xml(f, 'encoding="UTF-8"', 'encoding="ISO-8859-1"')),
        400,
        ("xml.encoding",),
    ),
    Case(
        "malformed-xml",
        regen(lambda f: edit_xml(f, "</电子文件>", "</电子")),
        400,
        ("xml.malformed",),
    ),
    Case(
        "wrong-root-element",
        regen(lambda f: edit_xml(edit_xml(f, "<电子文件 ", "<文件 "), "</电子文件>", "</文件>")),
        400,
        ("metadata.root",),
    ),
    Case("huge-metadata", build_huge_metadata, 413, ("xml.too-large",)),
    Case(
        "transfer-description-missing",
        transfer(lambda f: {k: v for k, v in f.items() if k != "说明文件.TXT"}),
        400,
        ("package.control-file-missing",),
        kind=T,
    ),
    Case(
        "transfer-catalogue-xxe",
        transfer(lambda f: {**f, "目录文件.XML": XXE.encode("utf-8")}),
        400,
        ("xml.doctype",),
        kind=T,
    ),
    # -- read, detection fails: 422
    Case(
        "manifest-missing",
        zip_with(lambda: {k: v for k, v in gongwen().items() if k != MANIFEST}),
        422,
        ("GD-2-10", "GD-1-1", "GD-2-11"),
    ),
    Case(
        "manifest-wrong-digest",
        zip_with(
            lambda: {**gongwen(), MANIFEST: gongwen()[MANIFEST].replace(b"4a50c5d3", b"00000000")}
        ),
        422,
        ("GD-1-1",),
    ),
    Case(
        "manifest-malformed",
        zip_with(lambda: {**gongwen(), MANIFEST: b"not a manifest line\n"}),
        422,
        ("GD-2-10",),
    ),
    Case(
        "file-not-in-manifest",
        zip_with(lambda: {**gongwen(), "附件/附件2.pdf": gongwen()["附件/附件1.pdf"]}),
        422,
        ("GD-2-11", "GD-1-11"),
    ),
    Case(
        "wrong-component-digest",
        regen(lambda f: edit_xml(f, "4a50c5d32b0b73e3", "0000000000000000")),
        422,
        ("GD-2-7",),
    ),
    Case(
        "listed-file-missing",
        regen(lambda f: {k: v for k, v in f.items() if k != "附件/附件1.pdf"}),
        422,
        ("GD-1-11", "GD-2-1"),
    ),
    Case(
        "extra-unlisted-file",
        regen(lambda f: {**f, "附件/附件2.pdf": f["附件/附件1.pdf"]}),
        422,
        ("GD-1-11", "GD-2-1"),
    ),
    Case(
        "wrong-size",
        regen(lambda f: edit_xml(f, "<计算机文件大小>100594<", "<计算机文件大小>100000<")),
        422,
        ("GD-1-10", "GD-2-2"),
    ),
    Case(
        "bad-date",
        regen(lambda f: edit_xml(f, "<日期>2023-05-12</日期>", "<日期>2023-13-45</日期>")),
        422,
        ("GD-1-3",),
    ),
    Case(
        "future-date",
        regen(
            lambda f: edit_xml(
                edit_xml(f, "<日期>2023-05-12</日期>", "<日期>2099-05-12</日期>"),
                "<年度>2023</年度>",
                "<年度>2099</年度>",
            )
        ),
        422,
        ("GD-1-5",),
    ),
    Case(
        "future-process-time",
        regen(lambda f: edit_xml(f, "2023-05-04T10:00:00+08:00", "2099-05-04T10:00:00+08:00")),
        422,
        ("GD-1-5",),
    ),
    Case(
        "bad-year",
        regen(lambda f: edit_xml(f, "<年度>2023</年度>", "<年度>20X3</年度>")),
        422,
        ("GD-1-3",),
    ),
    Case(
        "bad-pages",
        regen(lambda f: edit_xml(f, "<页数>1</页数>", "<页数>壹</页数>")),
        422,
        ("GD-1-3",),
    ),
    Case(
        "bad-retention-code",
        regen(lambda f: edit_xml(f, "<保管期限>D30</保管期限>", "<保管期限>D99</保管期限>")),
        422,
        ("GD-1-4",),
    ),
    Case(
        "bad-security-level",
        regen(lambda f: edit_xml(f, "<密级>公开</密级>", "<密级>机密</密级>")),
        422,
        ("GD-1-4",),
    ),
    Case("bad-role", regen(lambda f: edit_xml(f, '角色="附件"', '角色="草稿"')), 422, ("GD-1-4",)),
    Case(
        "missing-required-element",
        regen(lambda f: edit_xml(f, "<题名>关于测试归档接口第7号的通知</题名>", "")),
        422,
        ("GD-2-3",),
    ),
    Case(
        "empty-required-element",
        regen(lambda f: edit_xml(f, "<责任者>山东省示例厅</责任者>", "<责任者></责任者>")),
        422,
        ("GD-2-4",),
    ),
    Case(
        "archive-without-archival-code",
        regen(lambda f: edit_xml(f, "<档号>J001-WS·2023-D30-BGS-0007</档号>", "")),
        422,
        ("GD-2-3", "GD-1-7"),
    ),
    Case(
        "bad-archival-code",
        regen(
            lambda f: edit_xml(
                f, "<档号>J001-WS·2023-D30-BGS-0007</档号>", "<档号>J001/WS/2023/7</档号>"
            )
        ),
        422,
        ("GD-1-7",),
    ),
    Case(
        "archival-code-parts-mismatch",
        regen(lambda f: edit_xml(f, "<件号>7</件号>", "<件号>8</件号>")),
        422,
        ("GD-1-7",),
    ),
    Case(
        "unknown-format",
        regen(
            lambda f: set_file(
                rename_file(f, "附件/附件1.pdf", "附件/附件1.rar"),
                "附件/附件1.rar",
                b"Rar!\x1a\x07\x00" + bytes(range(256)) * 4,
                fmt="RAR",
            )
        ),
        422,
        ("GD-3-3", "GD-3-4"),
    ),
    Case(
        "exe-disguised-as-pdf",
        regen(lambda f: set_file(f, "附件/附件1.pdf", exe_bytes())),
        422,
        ("GD-3-4",),
    ),
    Case(
        "pdf-without-eof",
        regen(
            lambda f: set_file(f, "附件/附件1.pdf", f["附件/附件1.pdf"].replace(b"%%EOF", b"%%EON"))
        ),
        422,
        ("GD-3-4",),
    ),
    Case(
        "ofd-without-ofd-xml",
        regen(
            lambda f: set_file(
                rename_file(f, "正本/正本.pdf", "正本/正本.ofd"),
                "正本/正本.ofd",
                fake_ofd(),
                fmt="OFD",
            )
        ),
        422,
        ("GD-3-4",),
    ),
    Case("docx-as-main-text", regen(add_docx_main), 422, ("GD-3-3",)),
    Case("eicar", regen(eicar_attachment), 422, ("GD-4-2",)),
    Case(
        "gongwen-without-process",
        regen(
            lambda f: edit_xml(
                f,
                f[META].decode()[
                    f[META].decode().index("<办理过程>") : f[META].decode().index("</办理过程>") + 7
                ],
                "",
            )
        ),
        422,
        ("GD-2-5",),
    ),
    Case(
        "zhengwu-without-service-block",
        regen(
            lambda f: edit_xml(
                f,
                f[META].decode()[
                    f[META].decode().index("<政务服务>") : f[META].decode().index("</政务服务>") + 7
                ],
                "",
            ),
            "archive-zhengwu.zip",
        ),
        422,
        ("GD-2-5",),
    ),
    Case(
        "missing-required-role",
        regen(lambda f: drop_component(f, "处理单/处理单.pdf")),
        422,
        ("GD-2-8",),
    ),
    Case(
        "pre-archive-missing-title",
        regen(
            lambda f: edit_xml(f, "<题名>关于测试归档接口第123号的通知</题名>", ""),
            "pre-archive-gongwen.zip",
        ),
        422,
        ("GD-2-3",),
        kind=P,
    ),
    # -- transfer packages: 422 with YJ codes
    Case(
        "transfer-count-mismatch",
        transfer(lambda f: t_description(f, "档案数量：5", "档案数量：6")),
        422,
        ("YJ-2-1",),
        kind=T,
    ),
    Case(
        "transfer-folder-missing",
        transfer(lambda f: t_drop_folder(f, 5)),
        422,
        ("YJ-2-12", "YJ-2-1"),
        kind=T,
    ),
    Case(
        "transfer-folder-not-catalogued",
        transfer(lambda f: t_drop_row(f, 5)),
        422,
        ("YJ-2-12", "YJ-2-1"),
        kind=T,
    ),
    Case("transfer-duplicate-code", transfer(t_duplicate_row), 422, ("YJ-1-8",), kind=T),
    Case(
        "transfer-catalogue-title-differs",
        transfer(lambda f: t_catalogue(f, "第3号的通知", "第33号的通知")),
        422,
        ("YJ-2-12",),
        kind=T,
    ),
    Case(
        "transfer-record-wrong-digest",
        transfer(lambda f: t_meta(f, "b4a004172339449d", "0000000000000000")),
        422,
        ("YJ-2-7",),
        kind=T,
    ),
    Case(
        "transfer-record-bad-xml",
        transfer(lambda f: t_meta(f, "</电子文件>", "</电子", 2)),
        422,
        ("YJ-3-1",),
        kind=T,
    ),
    Case(
        "transfer-manifest-wrong",
        transfer(
            lambda f: {**f, MANIFEST: f[MANIFEST].replace(b"b4a00417", b"00000000")}, manifest=False
        ),
        422,
        ("YJ-1-1",),
        kind=T,
    ),
    Case(
        "transfer-eicar",
        transfer(lambda f: {**f, T1 + "附件/附件1.pdf": EICAR}),
        422,
        ("YJ-4-2", "YJ-2-7"),
        kind=T,
    ),
    Case(
        "transfer-description-incomplete",
        transfer(lambda f: t_description(f, "软硬件环境：", "软件：")),
        422,
        ("YJ-2-10",),
        kind=T,
    ),
]


def main(out: str) -> None:
    Path(out).mkdir(parents=True, exist_ok=True)
    for case in CORPUS:
        target = Path(out) / f"{case.name}.{'zip'}"
        case.build(str(target))
        print(f"{case.status} {case.name:40} {' '.join(case.codes)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")


# --------------------------------------------------------- DA/T 48 EEP variants (archive interface)


def eep_bytes(mutate: Callable[[str], str] = lambda text: text) -> bytes:
    from sd.archive.core.packages.eep import render_eep
    from sd.archive.core.packages.metadata import parse_metadata

    files = gongwen()
    record = parse_metadata(files[META])
    return mutate(render_eep(record, files).decode("utf-8")).encode("utf-8")


def eep(mutate: Callable[[str], str] = lambda text: text) -> Callable[[str], None]:
    return lambda path: Path(path).write_bytes(eep_bytes(mutate))


CORPUS += [
    Case("valid-eep", eep(), 201),
    Case(
        "eep-xxe",
        eep(
            lambda t: t.replace(
                "?>", '?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1
            )
        ),
        400,
        ("xml.doctype",),
    ),
    Case(
        "eep-bad-base64",
        eep(lambda t: t.replace("<编码数据>", "<编码数据>!!!!", 1)),
        400,
        ("eep.base64",),
    ),
    Case("eep-malformed", eep(lambda t: t[: len(t) // 2]), 400, ("xml.malformed",)),
    Case(
        "eep-future-date",
        eep(lambda t: t.replace("<日期>2023-05-12</日期>", "<日期>2099-05-12</日期>")),
        422,
        ("GD-1-5",),
    ),
]


# ------------------------------------------- DA/T 85 / GB/T 42727 layout (事项 → 办件 → 材料)

ZHENGWU = "archive-zhengwu.zip"
SERVICE_BLOCK = re.compile(r"<政务服务>.*?</政务服务>", re.S)


def dat85_text(files: dict[str, bytes]) -> str:
    """The zhengwu sample's 元数据.xml in DA/T 85's nesting, each 材料 named after its file."""
    from sd.archive.core.packages.metadata import LAYOUT_DAT85
    from sd.archive.core.packages.metadata import parse_metadata
    from sd.archive.core.packages.metadata_render import render_metadata

    record = parse_metadata(files[META])
    for component in record.components:
        component.name = Path(component.path).stem
    return render_metadata(record, LAYOUT_DAT85).decode("utf-8")


def dat85(
    mutate: Callable[[str], str] = lambda text: text,
    files_mutate: Callable[[dict[str, bytes]], dict[str, bytes]] = lambda f: f,
) -> Callable[[str], None]:
    """A builder: the zhengwu sample in DA/T 85's layout, its XML and files changed."""

    def make() -> dict[str, bytes]:
        files = load(ZHENGWU)
        text = mutate(dat85_text(files))
        return remanifest(files_mutate({**files, META: text.encode("utf-8")}))

    return zip_with(make)


def _case_outside_item(text: str) -> str:
    """The 办件 straight under <电子文件>: its 事项 (code, name) is gone."""
    text = re.sub(r"<事项>\s*<事项名称>[^<]*</事项名称>\s*<事项编码>[^<]*</事项编码>", "", text)
    return text.replace("</事项>", "", 1)


def _two_cases(text: str) -> str:
    start, end = text.index("<办件>"), text.index("</办件>") + len("</办件>")
    return (
        text[:end]
        + text[start:end].replace("000000008</办件编号>", "000000009</办件编号>")
        + text[end:]
    )


def _both_layouts(text: str) -> str:
    block = SERVICE_BLOCK.search(load(ZHENGWU)[META].decode("utf-8")).group(0)
    return text.replace("</电子文件>", block + "\n</电子文件>")


DAT85_FAULTS: list[tuple[str, Callable[[str], None], tuple[str, ...]]] = [
    (
        "material-missing",
        dat85(files_mutate=lambda f: {k: v for k, v in f.items() if k != "材料/许可证.pdf"}),
        ("GD-1-11",),
    ),
    ("case-without-item", dat85(_case_outside_item), ("GD-2-5",)),
    ("several-cases", dat85(_two_cases), ("GD-2-5",)),
    (
        "no-case-number",
        dat85(lambda t: re.sub(r"<办件编号>[^<]*</办件编号>", "", t)),
        ("GD-2-5",),
    ),
    (
        "material-without-path",
        dat85(lambda t: t.replace("<计算机文件名>材料/许可证.pdf</计算机文件名>", "")),
        ("GD-2-3",),
    ),
    ("both-layouts", dat85(_both_layouts), ("GD-3-1",)),
]

for _kind, _suffix in (("archive", ""), (P, "-pre-archive")):
    CORPUS.append(Case(f"valid-dat85-zhengwu{_suffix}", dat85(), 201, kind=_kind))
    CORPUS += [
        Case(f"dat85-zhengwu-{name}{_suffix}", build, 422, codes, kind=_kind)
        for name, build, codes in DAT85_FAULTS
    ]
