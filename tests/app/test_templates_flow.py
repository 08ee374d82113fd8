"""The Templates page as a marketer uses it: every journey's email with a thumbnail, New from
a starter design, duplicate, rename, use in a journey, delete refused while used."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app.template_starters import starter_designs
from widgets.email_editor import EmailEditorDialog
from widgets.email_preview import prepare_web_engine
from widgets.template_grid import IMAGE_ROLE

prepare_web_engine()  # before the QApplication: the email editor previews in QtWebEngine


def _page(window):
    window.show_page("templates")
    return window.templates_page


def test_journeys_emails_show_with_thumbnails_rendered_once(qtbot, shown_window, journeys):
    page = _page(shown_window)
    assert len(page.entries()) == 6
    assert page.count_label.text() == "0 saved templates · 6 emails in journeys"
    maker = shown_window.templates.thumbnails
    qtbot.waitUntil(lambda: all(page.model.has_thumbnail(e.ident) for e in page.entries()),
                    timeout=15000)
    assert maker.renders == 6
    image = page.model.data(page.model.index(0), IMAGE_ROLE)
    assert image.width() > 100 and not image.isNull()
    # the picture is of the email: not a blank page
    assert len({image.pixel(x, y) for x in range(0, image.width(), 7)
                for y in range(0, image.height(), 7)}) > 3
    page.refresh()  # nothing changed: nothing is rendered again
    qtbot.wait(50)
    assert maker.renders == 6 and not maker.busy()


def test_new_from_a_starter_then_rename_duplicate_use_and_delete(qtbot, shown_window, journeys,
                                                                 monkeypatch):
    page = _page(shown_window)
    controller = shown_window.templates
    design = next(d for d in starter_designs() if d.name == "Discount")
    template_id = controller.new_template(design, "Spring discount")
    entry = page.selected()
    assert (entry.template_id, entry.name, entry.where) == (template_id, "Spring discount",
                                                             "Saved template")
    assert isinstance(controller.last_dialog, EmailEditorDialog)  # opened to edit it
    assert controller.last_dialog.session._template.blocks == design.template.blocks
    controller.last_dialog.close()

    assert controller._rename(entry, "Spring sale")
    assert page.selected().name == "Spring sale"
    controller.do("duplicate", page.selected())
    assert page.selected().name == "Spring sale (copy)"
    copy = page.selected()

    # use the saved template in a journey: it opens there, added as one undo step
    assert controller._use(copy, journeys["Welcome series"])
    document = shown_window.editor_page.document
    assert copy.key in document.journey.templates
    # delete is refused while the journey (unsaved edits included) holds it, and says which
    told = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda _parent, _title, text: told.append(text))
    _page(shown_window)
    assert not controller._delete(copy, confirmed=True)
    assert told == ["“Spring sale (copy)” is used by “Welcome series”: remove it from that "
                    "journey first."]
    shown_window.editor_page.save()
    _page(shown_window)
    assert next(e for e in page.entries() if e.ident == copy.ident).used_by == (
        "Welcome series",)
    # the journey's copy shows as one of its emails too
    assert any(e.where == "In Welcome series" and e.key == copy.key for e in page.entries())
    document.undo_stack.undo()  # "Add email" undone, then saved: nobody uses it any more
    shown_window.editor_page.save()
    assert controller._delete(copy, confirmed=True)
    assert [e.name for e in page.entries() if e.kind == "saved"] == ["Spring sale"]


def test_opening_a_journeys_email_opens_its_journey_then_another(qtbot, shown_window, journeys):
    page = _page(shown_window)
    cart = next(e for e in page.entries() if e.key == "cart-reminder")
    shown_window.templates.do("open", cart)
    dialog = shown_window.templates.last_dialog
    assert shown_window.current_page() == "editor"
    assert shown_window.editor_page.journey_id == journeys["Abandoned cart"]
    assert dialog.session.journey is shown_window.editor_page.document
    assert dialog.editor.subject.text() == cart.subject
    dialog.close()
    welcome = next(e for e in _page(shown_window).entries() if e.key == "welcome-day-1")
    shown_window.templates.do("open", welcome)
    assert shown_window.editor_page.journey_id == journeys["Welcome series"]
    assert shown_window.templates.last_dialog.editor.subject.text() == welcome.subject


def test_a_journeys_email_used_in_another_journey_gets_a_free_key(qtbot, shown_window,
                                                                    journeys):
    page = _page(shown_window)
    cart = next(e for e in page.entries() if e.key == "cart-reminder")
    assert shown_window.templates._use(cart, journeys["Abandoned cart"])
    templates = shown_window.editor_page.document.journey.templates
    assert templates["cart-reminder-2"].body == cart.template.body
    shown_window.editor_page.document.undo_stack.undo()  # nothing left to ask about on close
