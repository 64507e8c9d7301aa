"""The text of a file (文件文本): PDF text layers, OFD text, plain text/XML and OCR.

Pure Python over command-line tools (poppler-utils' ``pdftotext``/``pdftoppm``, Tesseract with
the simplified-Chinese model). :func:`extract` never raises for a bad file: a corrupt or
encrypted PDF, an image without text, a crash or a timeout come back as a
:class:`TextResult` whose status is ``unavailable`` with the reason in Chinese and English.
"""

from .extract import TextResult
from .extract import extract
from .extract import kind_of
from .ocr import ocr_available
from .ocr import ocr_image
from .ocr import ocr_pdf_pages

__all__ = [
    "TextResult",
    "extract",
    "kind_of",
    "ocr_available",
    "ocr_image",
    "ocr_pdf_pages",
]
