"""`AppStyle`: Fusion, as the stylesheet expects it, with the few hints Trellis changes.

Contract: `AppStyle()` is a `QProxyStyle` over Fusion. Dialog buttons carry no icons
(Linux desktops ask Qt for a red cross on every Cancel and a tick on every OK, which the
rest of the app never uses); everything else is Fusion's.
"""

from __future__ import annotations

from PySide6.QtWidgets import QProxyStyle, QStyle


class AppStyle(QProxyStyle):
    def __init__(self):
        super().__init__("Fusion")

    def styleHint(self, hint, option=None, widget=None, returnData=None) -> int:
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, returnData)
