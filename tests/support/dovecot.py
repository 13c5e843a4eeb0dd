"""A real Dovecot IMAP server for the tests (issue 10 §8), on free loopback ports with a
throw-away configuration, maildirs and self-signed certificate in a temporary folder.

Two listeners: IMAP with STARTTLS (`port`) and IMAPS (`ssl_port`), both with the certificate
generated at start by `openssl` (CN and subjectAltName 127.0.0.1, so that a client can verify it
against `cafile` with hostname checking on). One user, `USER`/`PASSWORD`, in a passwd-file.
"""

import grp
import imaplib
import os
import pwd
import shutil
import ssl
import subprocess
import tempfile
from dataclasses import dataclass, field
from email.utils import localtime
from pathlib import Path

import pytest

from .components import free_port, missing, stop, wait_for_port

DOVECOT = os.environ.get("PFSPILOT_DOVECOT", "/usr/sbin/dovecot")
HOST = "127.0.0.1"
USER = "guichet@pfs.test"
PASSWORD = "imap-test-mdp-42"

CONFIG = """\
# Throw-away configuration written by tests/support/dovecot.py: nothing outside {root}.
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = {host}
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = 1
first_valid_gid = 1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
# Production delays a failed login by 2 s against guessing; a test that checks a refusal need not.
auth_failure_delay = 0
disable_plaintext_auth = no
mail_location = maildir:{root}/mail/%u
mail_uid = {mail_uid}
mail_gid = {mail_gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    address = {host}
    port = {ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


@dataclass
class DovecotServer:
    """Where the test Dovecot listens and how to log in; `append` puts a raw message in a folder."""

    host: str
    port: int  # IMAP, STARTTLS offered (and required by `connect`)
    ssl_port: int  # IMAPS
    user: str
    password: str
    cafile: str  # the self-signed certificate, to verify the server
    root: Path
    process: subprocess.Popen = field(repr=False)

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts only this server's certificate (hostname checked)."""
        return ssl.create_default_context(cafile=self.cafile)

    def connect(self, *, imaps: bool = False) -> imaplib.IMAP4:
        """A logged-in imaplib client, over STARTTLS on `port` (or IMAPS on `ssl_port`)."""
        if imaps:
            client = imaplib.IMAP4_SSL(
                self.host, self.ssl_port, ssl_context=self.ssl_context(), timeout=10
            )
        else:
            client = imaplib.IMAP4(self.host, self.port, timeout=10)
            client.starttls(ssl_context=self.ssl_context())
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX", flags: str = "") -> None:
        """APPEND a raw RFC 822 message (bytes, CRLF or LF) to `folder`, creating the folder."""
        client = self.connect()
        try:
            if folder != "INBOX":
                client.create(folder)  # "already exists" is answered NO, which is fine here
            typ, data = client.append(folder, flags or None, localtime(), raw)
            assert typ == "OK", data
        finally:
            client.logout()

    def reset(self) -> None:
        """Empty the mailbox: every message of every folder deleted, folders but INBOX removed."""
        client = self.connect()
        try:
            _, listed = client.list()
            folders = [line.decode().rsplit(' "/" ', 1)[-1].strip('"') for line in listed or []]
            for folder in folders:
                typ, count = client.select(f'"{folder}"')
                if typ == "OK" and int(count[0]) > 0:
                    client.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                    client.expunge()
                if typ == "OK":
                    client.close()
            for folder in folders:
                if folder.upper() != "INBOX":
                    client.delete(f'"{folder}"')
        finally:
            client.logout()


def _make_certificate(root: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={HOST}",
            "-addext",
            f"subjectAltName=IP:{HOST}",
            "-keyout",
            str(root / "key.pem"),
            "-out",
            str(root / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )


def _identities():
    """(login user, internal user, internal group, mail uid, mail gid) for the processes.

    As root (CI), Dovecot's own unprivileged accounts from the Debian package run the login and
    internal processes, and the mail belongs to `dovecot` (Dovecot refuses mail owned by root).
    Otherwise everything runs as the current user.
    """
    if os.geteuid() == 0:
        mail = pwd.getpwnam("dovecot")
        return "dovenull", "dovecot", "dovecot", mail.pw_uid, mail.pw_gid
    me = pwd.getpwuid(os.geteuid())
    group = grp.getgrgid(me.pw_gid).gr_name
    return me.pw_name, me.pw_name, group, me.pw_uid, me.pw_gid


@pytest.fixture(scope="session")
def dovecot():
    """A running Dovecot (`DovecotServer`) for the session; stopped and removed at the end."""
    if not os.access(DOVECOT, os.X_OK):
        missing(f"Dovecot absent ({DOVECOT}) : paquet Debian `dovecot-imapd`")
    if shutil.which("openssl") is None:
        missing("openssl absent : paquet Debian `openssl`")
    root = Path(tempfile.mkdtemp(prefix="pfspilot-dovecot-"))
    root.chmod(0o755)  # Dovecot's unprivileged processes read the config and reach the maildirs
    login_user, internal_user, internal_group, mail_uid, mail_gid = _identities()
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    os.chown(root / "mail", mail_uid, mail_gid)
    _make_certificate(root)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
    port, ssl_port = free_port(), free_port()
    while ssl_port == port:
        ssl_port = free_port()
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root,
            host=HOST,
            port=port,
            ssl_port=ssl_port,
            login_user=login_user,
            internal_user=internal_user,
            internal_group=internal_group,
            mail_uid=mail_uid,
            mail_gid=mail_gid,
        ),
        encoding="utf-8",
    )
    log = root / "dovecot.log"
    with open(root / "stdout.log", "wb") as output:
        process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)], stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(HOST, port, process, log_path=log)
        wait_for_port(HOST, ssl_port, process, log_path=log)
        yield DovecotServer(
            HOST, port, ssl_port, USER, PASSWORD, str(root / "cert.pem"), root, process
        )
    finally:
        stop(process)  # the master takes its children (auth, imap-login, imap) with it
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap_mailbox(dovecot):
    """The session's Dovecot, emptied before and after the test (`DovecotServer`)."""
    dovecot.reset()
    yield dovecot
    dovecot.reset()
