"""The simplified email view (no QtWebEngine) shows an email's remote images: fetched from a
real HTTP server on loopback, a placeholder until they arrive or where they cannot be
fetched, never Qt's broken-image icon; each URL asked for once."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument

from widgets.simple_email_view import MAX_IMAGE_BYTES, SimpleEmailView, placeholder

IMAGE = QTextDocument.ResourceType.ImageResource


def png(width: int, height: int, color: str) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


@pytest.fixture
def image_server():
    """/logo.png (a red 40×20 PNG), /broken.png (not an image), /huge.png (a PNG followed
    by more than MAX_IMAGE_BYTES); every request counted."""
    logo = png(40, 20, "#cc0000")
    files = {"/logo.png": logo, "/broken.png": b"not an image",
             "/huge.png": logo + bytes(MAX_IMAGE_BYTES + 1)}
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server name)
            asked.append(self.path)
            body = files.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            try:
                self.wfile.write(body or b"")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the view stopped reading (too large)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def shown(view: SimpleEmailView, url: str) -> QImage:
    return view.document().resource(IMAGE, QUrl(url))


def test_a_remote_image_shows_a_placeholder_then_itself(qtbot, image_server):
    base, asked = image_server
    view = SimpleEmailView()
    qtbot.addWidget(view)
    view.resize(680, 500)
    view.show()
    with qtbot.waitSignal(view.image_shown, timeout=10_000) as arrived:
        view.setHtml(f'<p>Hello</p><img src="{base}/logo.png" alt="Juniper &amp; Oak">')
        assert shown(view, f"{base}/logo.png") == placeholder()  # while it is on its way
    assert arrived.args == [f"{base}/logo.png"]
    image = shown(view, f"{base}/logo.png")
    assert (image.width(), image.height()) == (40, 20)
    assert image.pixelColor(5, 5) == QColor("#cc0000")
    assert view.pending_images() == 0
    # the next email with the same logo takes it from the view, not the server
    view.setHtml(f'<img src="{base}/logo.png"><p>Another email</p>')
    assert shown(view, f"{base}/logo.png").pixelColor(5, 5) == QColor("#cc0000")
    assert asked == ["/logo.png"]


def test_an_image_that_cannot_be_had_keeps_its_placeholder(qtbot, image_server):
    base, asked = image_server
    missing, unreadable = f"{base}/gone.png", f"{base}/broken.png"
    view = SimpleEmailView()
    qtbot.addWidget(view)
    view.show()
    view.setHtml(f'<img src="{missing}" alt="Gone"><img src="{unreadable}" alt="Broken">')
    qtbot.waitUntil(lambda: sorted(asked) == ["/broken.png", "/gone.png"]
                    and view.pending_images() == 0, timeout=10_000)
    for url in (missing, unreadable):
        assert shown(view, url) == placeholder()
    view.setHtml(f'<img src="{missing}"><img src="{unreadable}">')  # not asked for again
    qtbot.wait(200)
    assert sorted(asked) == ["/broken.png", "/gone.png"]
    assert shown(view, missing) == placeholder()


def test_an_image_larger_than_the_limit_is_not_taken(qtbot, image_server):
    base, asked = image_server
    view = SimpleEmailView()
    qtbot.addWidget(view)
    view.show()
    view.setHtml(f'<img src="{base}/huge.png">')
    qtbot.waitUntil(lambda: asked == ["/huge.png"] and view.pending_images() == 0,
                    timeout=10_000)
    assert shown(view, f"{base}/huge.png") == placeholder()


def test_the_placeholder_is_a_picture_frame_not_an_empty_box():
    image = placeholder()
    assert (image.width(), image.height()) == (160, 120)
    corner, middle = image.pixelColor(0, 0), image.pixelColor(80, 60)
    assert corner != image.pixelColor(10, 10)  # a border
    assert len({image.pixelColor(x, 60).name() for x in range(50, 110)}) > 2  # a sign inside
    assert middle.alpha() == 255


def test_the_preview_without_a_browser_engine_uses_it(qtbot, monkeypatch):
    from widgets.email_preview import EmailPreview

    monkeypatch.setenv("TRELLIS_NO_WEBENGINE", "1")
    preview = EmailPreview()
    qtbot.addWidget(preview)
    assert not preview.uses_web_engine and isinstance(preview.web, SimpleEmailView)


def test_closing_the_view_while_an_image_is_on_its_way(qtbot):
    """A server that takes the request and never answers: the view (the editor closed)
    goes away with its fetch under way, and nothing arrives afterwards."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    silent.setblocking(False)
    taken = []
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/slow.png"
    view = SimpleEmailView()
    view.show()
    view.setHtml(f'<img src="{url}">')
    qtbot.waitUntil(lambda: _take(silent, taken), timeout=10_000)  # it asked, no answer
    assert view.pending_images() == 1
    view.deleteLater()
    qtbot.waitUntil(lambda: _deleted(view))
    qtbot.wait(100)
    taken[0].close()
    silent.close()


def _take(server, taken: list) -> bool:
    try:
        taken.append(server.accept()[0])
    except BlockingIOError:
        return False
    return True


def _deleted(view) -> bool:
    return not shiboken6.Shiboken.isValid(view)
