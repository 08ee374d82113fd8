"""The simplified email view: a QTextBrowser that shows an email's images from the web.

Contract:
- `SimpleEmailView(parent=None)` is a QTextBrowser whose clicked links open in the system
  browser. An `<img>` whose source is an http(s) URL first shows a placeholder (a light
  frame with a picture sign, at the size the email gives the image, else 160×120), and is
  fetched in the background, once per URL and view: what arrives (an image Qt can read,
  at most MAX_IMAGE_BYTES, within FETCH_TIMEOUT_MS) replaces the placeholder and the
  email is laid out again. An image that cannot be fetched or read keeps the placeholder
  — never Qt's broken-image icon — and is not asked for again by this view.
- `pending_images()` counts the fetches under way; `image_shown(url)` is emitted for each
  image that replaced its placeholder.

Why: QTextBrowser reads only local files, so without QtWebEngine every remote image (the
logo, the product pictures) was a broken-image icon, and the simplified preview looked
broken where the email is not. The exact preview (QtWebEngine) fetches images as a mail
app does; this view now does the same.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache

from PySide6.QtCore import QRectF, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QTextDocument
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest
from PySide6.QtWidgets import QTextBrowser

FETCH_TIMEOUT_MS = 10_000
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: images kept per view (a session of previews asks for the same logo again and again)
KEPT_IMAGES = 200
PLACEHOLDER_SIZE = (160, 120)
_IMAGE = QTextDocument.ResourceType.ImageResource


class SimpleEmailView(QTextBrowser):
    image_shown = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenExternalLinks(True)
        self._network = QNetworkAccessManager(self)
        self._network.finished.connect(self._arrived)
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._failed: set[str] = set()
        self._fetching: set[str] = set()  # addresses asked for, not arrived yet

    def pending_images(self) -> int:
        return len(self._fetching)

    def loadResource(self, kind, url: QUrl):  # noqa: N802 (Qt name)
        if _is(kind, _IMAGE) and url.scheme() in ("http", "https"):
            key = url.toString()
            image = self._images.get(key)
            if image is not None:
                self._images.move_to_end(key)
                return image
            if key not in self._failed:
                self._fetch(url)
            return placeholder()
        return super().loadResource(kind, url)

    def _fetch(self, url: QUrl) -> None:
        key = url.toString()
        if key in self._fetching:
            return
        request = QNetworkRequest(url)
        request.setTransferTimeout(FETCH_TIMEOUT_MS)
        request.setAttribute(QNetworkRequest.Attribute.RedirectPolicyAttribute,
                             QNetworkRequest.RedirectPolicy.NoLessSafeRedirectPolicy)
        self._network.get(request).downloadProgress.connect(self._progress)
        self._fetching.add(key)

    def _progress(self, received: int, _total: int) -> None:
        """Stops a download as soon as it is too large (a larger one that arrived whole
        before this runs is refused in `_arrived`)."""
        if received > MAX_IMAGE_BYTES:
            self.sender().abort()  # too large for an email image: the placeholder stays

    def _arrived(self, reply: QNetworkReply) -> None:
        """The manager's `finished` (one connection for every reply: no closure holds a
        reply), keyed by the address asked for, whatever the redirects."""
        key = reply.request().url().toString()
        self._fetching.discard(key)
        image = QImage()
        if reply.error() == QNetworkReply.NetworkError.NoError:
            data = reply.readAll()  # the abort above may come after the last byte
            if data.size() <= MAX_IMAGE_BYTES:
                image.loadFromData(data)
        reply.deleteLater()
        if image.isNull():
            self._failed.add(key)  # the placeholder stays
            return
        self._images[key] = image
        while len(self._images) > KEPT_IMAGES:
            self._images.popitem(last=False)
        document = self.document()
        document.addResource(_IMAGE, QUrl(key), image)
        document.markContentsDirty(0, document.characterCount())  # lay out at its size
        self.viewport().update()
        self.image_shown.emit(key)


def _is(kind, resource_type) -> bool:
    return getattr(kind, "value", kind) == resource_type.value


@lru_cache(maxsize=8)
def placeholder(width: int = PLACEHOLDER_SIZE[0], height: int = PLACEHOLDER_SIZE[1]) -> QImage:
    """A light frame with a picture sign (a sun over a hill): where an image will be."""
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#eef1f5"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#d3d9e2"), 1))
    painter.drawRect(QRectF(0.5, 0.5, width - 1, height - 1))
    sign = min(width, height) * 0.36
    left, top = (width - sign) / 2, (height - sign) / 2
    painter.setPen(QPen(QColor("#9aa5b4"), 1.5))
    painter.drawRoundedRect(QRectF(left, top, sign, sign * 0.8), 3, 3)
    painter.setBrush(QColor("#9aa5b4"))
    painter.drawEllipse(QRectF(left + sign * 0.62, top + sign * 0.14, sign * 0.16, sign * 0.16))
    hill = QPainterPath()
    hill.moveTo(left + sign * 0.1, top + sign * 0.7)
    hill.lineTo(left + sign * 0.38, top + sign * 0.36)
    hill.lineTo(left + sign * 0.6, top + sign * 0.58)
    hill.lineTo(left + sign * 0.9, top + sign * 0.7)
    hill.closeSubpath()
    painter.drawPath(hill)
    painter.end()
    return image
