"""What an OFD package holds (OFD 文件包的结构): documents, pages, signatures, the files
each signature protects and where its seal appears. Read by :class:`.package.OfdPackage`."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field


@dataclass(frozen=True)
class Reference:
    """One protected file of a signature (签名保护的文件): FileRef and its CheckValue."""

    file_ref: str
    path: str
    check_value: bytes


@dataclass(frozen=True)
class StampAnnot:
    """Where a seal appears (签章外观位置): page ID, boundary and optional clip, in mm."""

    id: str
    page_ref: str
    boundary: tuple[float, float, float, float] | None
    clip: tuple[float, float, float, float] | None = None


@dataclass
class SignatureInfo:
    """One ``Signature.xml`` (签名描述文件) with the entry in ``Signatures.xml``."""

    id: str
    type: str  # "Seal" (default) or "Sign"
    path: str
    raw: bytes = field(repr=False)
    provider: dict = field(default_factory=dict)
    method: str = ""
    datetime_text: str = ""
    check_method: str = ""
    references: list[Reference] = field(default_factory=list)
    stamp_annots: list[StampAnnot] = field(default_factory=list)
    seal_path: str | None = None
    signed_value_path: str | None = None

    @property
    def kind(self) -> str:
        """``seal`` for an electronic seal signature, ``sign`` for a bare digital signature."""
        return "sign" if self.type.lower() == "sign" else "seal"


@dataclass(frozen=True)
class Page:
    id: str
    path: str
    index: int


@dataclass
class OfdDocument:
    """One document of the package (文档, a DocBody)."""

    index: int
    root_path: str
    pages: list[Page] = field(default_factory=list)
    signatures_path: str | None = None
    signatures: list[SignatureInfo] = field(default_factory=list)
    document_res: list[str] = field(default_factory=list)
    public_res: list[str] = field(default_factory=list)
    annotations_path: str | None = None
    physical_box: tuple[float, float, float, float] | None = None

    def page_by_ref(self, page_ref: str) -> Page | None:
        """The page a ``PageRef`` names: its ``ID`` (standard), else a 1-based index."""
        for page in self.pages:
            if page.id == page_ref:
                return page
        return None
