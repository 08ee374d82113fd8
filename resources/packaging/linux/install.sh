#!/bin/sh
# Install the Trellis bundle for this user (or PREFIX=/usr/local sh install.sh as root):
# the app folder, a `trellis` command, the menu entry, the icon and the .journey.json type.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)   # the bundle folder (holds ./trellis)
prefix=${PREFIX:-$HOME/.local}
mkdir -p "$prefix/lib" "$prefix/bin" "$prefix/share/applications" \
         "$prefix/share/icons/hicolor/256x256/apps" "$prefix/share/mime/packages"
rm -rf "$prefix/lib/trellis"
cp -a "$here" "$prefix/lib/trellis"
ln -sf "$prefix/lib/trellis/trellis" "$prefix/bin/trellis"
sed "s|^Exec=trellis|Exec=$prefix/bin/trellis|" "$here/share/applications/trellis.desktop" \
    > "$prefix/share/applications/trellis.desktop"
cp "$here/share/icons/hicolor/256x256/apps/trellis.png" "$prefix/share/icons/hicolor/256x256/apps/"
cp "$here/share/mime/packages/trellis.xml" "$prefix/share/mime/packages/"
command -v update-mime-database >/dev/null && update-mime-database "$prefix/share/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$prefix/share/applications" || true
xdg-mime default trellis.desktop application/x-trellis-journey 2>/dev/null || true
echo "Trellis installed in $prefix (run: trellis)"
