"""A throw-away Dovecot IMAP server in a temporary folder, for tests that read a real mailbox.

`start_dovecot()` writes a minimal configuration (loopback only, a free port, plain
passwords over an unencrypted loopback connection, Maildir under the folder, one user
`shop` with password `secret`), starts `dovecot -F` and waits until it answers; it
returns an `ImapServer` (host, port, user, password) with `stop()`, which also deletes
the folder. As root the mail files belong to the `dovecot` user (Dovecot will not keep
mail as root). `skip_reason()` says why it cannot run (no dovecot binary), so tests skip
with that reason. Install it with `apt-get install dovecot-imapd` (.ci/run does).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD = "shop", "secret"


def _binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)


def skip_reason() -> str | None:
    if _binary() is None:
        return "no Dovecot IMAP server (install Debian's dovecot-imapd)"
    if not os.path.exists("/usr/lib/dovecot/imap"):
        return "Dovecot is installed without its IMAP server (install dovecot-imapd)"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    folder: Path
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_dovecot() -> ImapServer:
    folder = Path(tempfile.mkdtemp(prefix="trellis-imap-"))
    os.chmod(folder, 0o755)
    port = _free_port()
    if os.geteuid() == 0:
        mail_user, internal, login = "dovecot", "dovecot", "dovenull"
    else:
        mail_user = internal = login = pwd.getpwuid(os.geteuid()).pw_name
    owner = pwd.getpwnam(mail_user)
    home = folder / "home"
    home.mkdir()
    os.chown(home, owner.pw_uid, owner.pw_gid)
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    os.chmod(folder / "users", 0o644)
    config = folder / "dovecot.conf"
    config.write_text(f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {min(owner.pw_uid, 1)}
mail_location = maildir:{home}/%u/Maildir
mail_uid = {owner.pw_uid}
mail_gid = {owner.pw_gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={home}/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
""")
    process = subprocess.Popen([_binary(), "-F", "-c", str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = ImapServer("127.0.0.1", port, USER, PASSWORD, folder, process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace")
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f"dovecot did not start: {output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                if probe.recv(100).startswith(b"* OK"):
                    return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("dovecot did not answer within 30 s")
