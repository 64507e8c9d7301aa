"""Seals and signatures (电子印章与电子签名).

Pure-Python core for OFD electronic seals (GB/T 33190 packages, GB/T 38540 / GM/T 0031 seal
structures), embedded PDF signatures (pyHanko, offline), the archiving seal (归档章) and the
strip procedure (去除签章数字信息保留印章图像).

Entry points:

- :func:`sd.archive.core.seals.verify.verify_ofd` — one :class:`~.verdict.Verdict` per signature
- :func:`sd.archive.core.seals.pdf.verify_pdf` — the same shape for PDF signatures
- :mod:`sd.archive.core.seals.archiving_seal` — stamp and sign a PDF or an OFD with the 归档章
  (the box: :mod:`.seal_rendering`; the key: :mod:`.seal_key`; :mod:`.detached` signatures)
- :mod:`sd.archive.core.seals.strip` — remove the digital part, keep the seal appearance
"""
