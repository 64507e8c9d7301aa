"""Downloading a component (``@@download``): the package as received kept as a splice table
(``intake.received``) is streamed assembled, byte for byte, ranges included; every other
file as plone.namedfile streams it."""

from __future__ import annotations

from plone.namedfile.browser import DisplayFile
from plone.namedfile.browser import Download
from zope.interface import implementer
from ZPublisher.Iterators import IStreamIterator

from sd.archive.intake.received import is_shared

STREAM_CHUNK = 1 << 16


@implementer(IStreamIterator)
class AssembledIterator:
    """The bytes ``start``..``end`` of an assembled package, read from files only (no ZODB
    access once the request has ended)."""

    def __init__(self, source, start: int = 0, end: int | None = None):
        self._reader = source.open()
        self._end = self._reader.table.size if end is None else end
        self._reader.seek(start)

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        left = self._end - self._reader.tell()
        data = self._reader.read(min(STREAM_CHUNK, left)) if left > 0 else b""
        if not data:
            self._reader.close()
            raise StopIteration
        return data

    next = __next__

    def __len__(self) -> int:
        return self._end - self._reader.tell()


class _Assembling:
    """The package as received streamed assembled; any other file as the base view does."""

    def __call__(self):
        file = self._getFile()
        if not is_shared(file):
            return super().__call__()
        self.set_headers(file)
        found = self.handle_request_range(file)
        return AssembledIterator(file.source(), found.get("start", 0), found.get("end"))


class ComponentDownload(_Assembling, Download):
    """``@@download`` of a component (电子文件下载)."""


class ComponentDisplayFile(_Assembling, DisplayFile):
    """``@@display-file`` of a component."""
