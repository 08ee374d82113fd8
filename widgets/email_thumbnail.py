"""A small picture of an email's HTML, made without a browser (cheap enough for a page of them).

Contract: `thumbnail_png(html, size=THUMB_SIZE) -> bytes` lays `html` out at the width an
inbox gives an email (`EMAIL_WIDTH`) with `QTextDocument`, paints the top of it onto a
white `QImage` and scales that to `size` (PNG bytes). Call it on the GUI thread: text
layout shares Qt's font engine with the GUI's painting, and a worker thread laying out
text while the GUI paints crashed. It never touches a QWidget or a QPixmap.
Remote images are not fetched (a thumbnail must not reach the network): they show as
the empty boxes of their size. `thumbnail_image(png)` turns the bytes back into a QImage.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument

_ZERO_FONT = re.compile(r"font-size\s*:\s*0(?:px)?\b")
EMAIL_WIDTH = 600
THUMB_SIZE = QSize(200, 250)


class _NoFetchDocument(QTextDocument):
    """Every image is a soft grey box: nothing is fetched, nothing shows as broken."""

    def loadResource(self, kind: int, url):  # noqa: N802 (Qt name)
        if kind == QTextDocument.ResourceType.ImageResource.value:
            box = QImage(240, 160, QImage.Format.Format_RGB32)
            box.fill(QColor("#e5e7eb"))
            return box
        return super().loadResource(kind, url)


def thumbnail_png(html: str, size: QSize = THUMB_SIZE) -> bytes:
    document = _NoFetchDocument()
    document.setDocumentMargin(16)
    # responsive email CSS zeroes font sizes between inline blocks; Qt warns on each
    document.setHtml(_ZERO_FONT.sub("font-size:1px", html))
    document.setTextWidth(EMAIL_WIDTH)
    # the top of the email at the thumbnail's proportions: what a marketer recognises
    height = round(EMAIL_WIDTH * size.height() / size.width())
    full = QImage(EMAIL_WIDTH, height, QImage.Format.Format_ARGB32_Premultiplied)
    full.fill(QColor("white"))
    painter = QPainter(full)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    document.drawContents(painter, QRectF(0, 0, EMAIL_WIDTH, height))
    painter.end()
    small = full.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    small.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def thumbnail_image(png: bytes) -> QImage:
    image = QImage()
    image.loadFromData(png, "PNG")
    return image
