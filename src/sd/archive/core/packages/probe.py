"""What is learnt about a file while it streams (流式探测): head, tail, EICAR test string.

The reader feeds every chunk of every entry here in the same pass that computes the digests,
so format detection (magic bytes, PDF ``%%EOF``), the built-in EICAR scan and the search for
PDF signatures never re-read a file.
"""

from __future__ import annotations

HEAD_SIZE = 8192
TAIL_SIZE = 1024

# Built from two halves so that this source file itself is not flagged by scanners.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


#: an embedded PDF signature has a /ByteRange (签名字节范围); its absence means none
PDF_SIGNATURE = b"/ByteRange"
WATCHED = (EICAR, PDF_SIGNATURE)


class FileProbe:
    """Accumulates the first and last bytes of a stream and watches for the EICAR string and
    a PDF signature's ``/ByteRange``, wherever the chunks cut them."""

    def __init__(self) -> None:
        self.head = b""
        self.tail = b""
        self.found: set[bytes] = set()
        self._overlap = b""

    @property
    def eicar(self) -> bool:
        return EICAR in self.found

    @property
    def pdf_signature(self) -> bool:
        return PDF_SIGNATURE in self.found

    def feed(self, chunk: bytes) -> None:
        if len(self.head) < HEAD_SIZE:
            self.head += chunk[: HEAD_SIZE - len(self.head)]
        self.tail = (self.tail + chunk[-TAIL_SIZE:])[-TAIL_SIZE:]
        reach = max(len(token) for token in WATCHED) - 1  # a token may straddle two chunks
        seam = self._overlap + chunk[:reach]
        for token in WATCHED:
            if token not in self.found and (token in chunk or token in seam):
                self.found.add(token)
        self._overlap = (self._overlap + chunk[-reach:])[-reach:]

    def facts(self) -> dict:
        """What a :class:`~sd.archive.core.packages.reader.PackageFile` keeps of the probe."""
        return {
            "head": self.head,
            "tail": self.tail,
            "eicar": self.eicar,
            "pdf_signature": self.pdf_signature,
        }


def probe_file(location: str, chunk: int = 1 << 20) -> FileProbe:
    """Probe a file on disk that was not probed while it was read (一次读取)."""
    probe = FileProbe()
    with open(location, "rb") as fp:
        for data in iter(lambda: fp.read(chunk), b""):
            probe.feed(data)
    return probe
