"""The main window's parts for links that work for readers (issue: tracking, mailbox,
deliverability): Settings ▸ Tracking, and the Mailbox and Deliverability cards under
Settings ▸ Sending.

Contract: `LinksWindowParts` is mixed into `app.main_window.MainWindow`, which calls
`_build_links_parts()` after `_build_sending_section()`. Nothing here is made before the
sections are first shown (their engine modules load network libraries): the Tracking
section is a `LazySection`, and the two cards join the Sending section on its first
refresh. The cards' signals reach the engine host: a tested public URL switches tracking
at once (`apply_tracking`), a saved mailbox restarts the reader (`restart_mailbox`).
"""

from __future__ import annotations

from widgets.lazy_section import LazySection


class LinksWindowParts:
    def _build_links_parts(self) -> None:
        self.tracking_section = LazySection(self._make_tracking_card)
        self.settings_page.add_section("tracking", "Tracking", self.tracking_section,
                                       before="database")
        self.mailbox_card = self.deliverability_card = None
        self.sending_section.refresh_requested.connect(self._add_mail_cards)

    def _make_tracking_card(self):
        from engine.messaging.tracking import TrackingSetup
        from widgets.settings_tracking import TrackingCard

        card = TrackingCard(TrackingSetup(self._db))
        card.tracking_changed.connect(self.engine_host.apply_tracking)
        return card

    def _add_mail_cards(self) -> None:
        if self.mailbox_card is not None:
            return
        from engine.delivery.deliverability import check_sender
        from engine.delivery.dkim_sign import DkimSetup
        from engine.mailbox.setup import MailboxSetup
        from engine.settings import load_settings
        from widgets.deliverability_card import DeliverabilityCard
        from widgets.settings_mailbox import MailboxCard

        with self._db.session() as session:
            sender = load_settings(session).sender_email
        self.mailbox_card = MailboxCard(MailboxSetup(self._db))
        self.mailbox_card.saved.connect(self.engine_host.restart_mailbox)
        database = self._db
        self.deliverability_card = DeliverabilityCard(
            lambda: check_sender(database), dkim=DkimSetup(database),
            domain=sender.rpartition("@")[2])
        self.sending_section.add_card(self.mailbox_card)
        self.sending_section.add_card(self.deliverability_card)
