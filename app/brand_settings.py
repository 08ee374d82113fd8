"""Settings ▸ Brand: read and store the brand kit, and show the change in every email.

Contract: `BrandSettings(window, database, section)` fills `section`
(`widgets.brand_section.BrandSection`) from `AppSettings.brand` whenever it is shown;
"Save brand" checks the values with `engine.blocks.brand.with_changes` (an InputError is
shown under the form, nothing is written) and stores them with the other settings; then
every open email editor renders its preview again and the Templates page redraws its
thumbnails (their cache is keyed on the kit), so the change shows in every email.
"Reset to defaults" stores the default kit the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from engine.blocks.brand import BrandKit, with_changes
from engine.db.database import Database
from engine.errors import InputError
from engine.settings import load_settings, save_settings


class BrandSettings(QObject):
    saved = Signal(object)  # BrandKit

    def __init__(self, window, database: Database, section):
        super().__init__(section)
        self.window, self.database, self.section = window, database, section
        section.refresh_requested.connect(self.load)
        section.save_requested.connect(self.save)
        section.reset_requested.connect(lambda: self.store(BrandKit()))

    def load(self) -> None:
        with self.database.session() as session:
            settings = load_settings(session)
        self.section.show_kit(settings.brand, settings.postal_address)

    def save(self, values: dict) -> bool:
        with self.database.session() as session:
            current = load_settings(session).brand
        try:
            kit = with_changes(current, values)
        except InputError as error:
            self.section.show_error(f"Not saved: {error}")
            return False
        return self.store(kit)

    def store(self, kit: BrandKit) -> bool:
        with self.database.session() as session:
            settings = load_settings(session)
            save_settings(session, settings.model_copy(update={"brand": kit}))
        self.load()
        self.section.show_saved("Saved: every email uses this brand now.")
        self._show_everywhere()
        self.saved.emit(kit)
        return True

    def _show_everywhere(self) -> None:
        for widget in QApplication.topLevelWidgets():
            session = getattr(widget, "session", None)
            if session is not None and widget.isVisible() and hasattr(session, "check"):
                session.check(widget.editor.template())
        self.window.templates_page.redraw_thumbnails()
