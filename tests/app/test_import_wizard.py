"""The import wizard as a user goes through it: file, columns (change one, make a custom
field), progress, report with rejected lines saved as CSV; and Cancel mid-way."""

from __future__ import annotations

import csv
import threading

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from engine.contacts.csv_import import import_contacts_csv
from engine.db.models import Contact


def count(db):
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Contact))


def test_wizard_through_to_the_report(db, shown_window, qtbot, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Mail,Given,Plan Type,Country\nana@example.com,Ana,gold,PT\n"
                    "bad-address,Bo,free,FR\ncy@example.com,Cy,free,France\n", encoding="utf-8")
    window = shown_window
    window.show_page("contacts")
    qtbot.mouseClick(window.contacts_page.import_button, Qt.MouseButton.LeftButton)
    wizard = window.contacts.wizard.dialog
    assert wizard.isVisible()
    assert wizard.choose_file(str(tmp_path / "missing.csv")) is False
    assert "not found" in wizard.file_error.text()

    assert wizard.choose_file(str(path))
    assert wizard.pages.currentIndex() == 1
    assert wizard.columns.cellWidget(3, 1).currentData() == "country"
    assert wizard.columns.item(0, 3).text() == "ana@example.com, bad-address, cy@example.com"
    # "Mail" and "Given" were not recognised: the user maps them, and renames a custom field
    assert wizard.columns.cellWidget(0, 1).currentData() == "custom"
    assert wizard.columns.cellWidget(1, 1).currentData() == "custom"
    wizard.set_choice(0, "email")
    wizard.set_choice(1, "first_name")
    wizard.set_choice(2, "custom", "plan")
    wizard.list_field.setText("Spring fair")
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 3, timeout=10_000)
    assert "1 created" in wizard.summary.text() and "2 rejected" in wizard.summary.text()
    assert wizard.rejected.item(0, 0).text() == "3"
    assert "country" in wizard.rejected.item(1, 2).text()
    report_path = tmp_path / "rejected.csv"
    window.contacts.wizard.save_rejected(str(report_path))
    with open(report_path, encoding="utf-8") as file:
        assert [row[0] for row in csv.reader(file)] == ["line", "3", "4"]
    with db.session() as session:
        ana = session.execute(select(Contact)).scalar()
        assert (ana.first_name, ana.attributes) == ("Ana", {"plan": "gold"})
    # the workspace shows the new contact and list
    assert "Spring fair  ·  1" in window.contacts_page.sidebar.entries()


def test_cancel_mid_way_writes_nothing(db, shown_window, qtbot, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("Email\n" + "".join(f"p{i}@example.com\n" for i in range(5000)),
                    encoding="utf-8")
    writing, go_on = threading.Event(), threading.Event()

    def importer(*args, progress, **kwargs):
        def report(fraction):  # the real import, held once it has begun writing
            progress(fraction)
            if fraction > 0.5 and not writing.is_set():
                writing.set()
                go_on.wait(10)
        return import_contacts_csv(*args, progress=report, **kwargs)

    window = shown_window
    window.show_page("contacts")
    flow = window.contacts.open_import()
    flow._importer = importer
    wizard = flow.dialog
    assert wizard.choose_file(str(path))
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert wizard.pages.currentIndex() == 2
    qtbot.waitUntil(writing.is_set, timeout=10_000)
    qtbot.mouseClick(wizard.cancel_button, Qt.MouseButton.LeftButton)
    go_on.set()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=10_000)
    assert "nothing was imported" in wizard.mapping_error.text()
    assert count(db) == 0
