"""The streaming probe: head, tail and the EICAR string however the chunks fall."""

import pytest

from sd.archive.core.packages.probe import EICAR
from sd.archive.core.packages.probe import HEAD_SIZE
from sd.archive.core.packages.probe import TAIL_SIZE
from sd.archive.core.packages.probe import FileProbe


def fed(data: bytes, size: int) -> FileProbe:
    probe = FileProbe()
    for start in range(0, len(data), size):
        probe.feed(data[start : start + size])
    return probe


@pytest.mark.parametrize("size", [1, 7, len(EICAR) - 1, len(EICAR), 100, 65536])
def test_eicar_is_found_wherever_the_chunks_cut_it(size):
    for offset in range(0, 90, 11):
        data = b"x" * offset + EICAR + b"y" * 50
        assert fed(data, size).eicar, (size, offset)


@pytest.mark.parametrize("size", [1, 5, 1000, 5000])
def test_no_eicar_in_clean_data(size):
    assert not fed(bytes(range(256)) * 20 + EICAR[:-1], size).eicar


@pytest.mark.parametrize("size", [3, 1000, 4096, 100000])
def test_head_and_tail_are_the_first_and_last_bytes(size):
    data = bytes(i % 251 for i in range(3 * HEAD_SIZE + 17))
    probe = fed(data, size)
    assert probe.head == data[:HEAD_SIZE]
    assert probe.tail == data[-TAIL_SIZE:]


@pytest.mark.parametrize("size", [1, 4, 9, 64, 65536])
def test_a_pdf_signature_is_seen_wherever_the_chunks_cut_it(size):
    signed = b"%PDF-1.7\n" + b"0" * 37 + b"/Type /Sig /ByteRange [0 10 20 30]" + b"\n%%EOF\n"
    assert fed(signed, size).pdf_signature
    assert fed(signed, size).facts()["pdf_signature"] is True
    assert not fed(signed.replace(b"/ByteRange", b"/Contents"), size).pdf_signature
