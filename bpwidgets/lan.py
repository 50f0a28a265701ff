"""The door of a served lecture, as the command line sets it: the address, the secret, the host names, the
kernel limits, and what the lecturer's screen shows students.

On localhost (the default) pages open without a secret, as a notebook server's do for its own user. On any
other address (``--ip``: the room's network) a student needs a token, made here and shown on the lecturer's
screen as a URL and a QR code, or a password the lecturer chose (``--password``); ``--token`` asks for one on
localhost too. The kernel limits default to what the machine's free memory holds.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import re
import secrets
import socket
import sys
from dataclasses import dataclass, field

import psutil

from bpwidgets.server_command import PASSWORD_VARIABLE, TOKEN_VARIABLE, WILDCARD_ADDRESSES

__all__ = ["Door", "KERNEL_MEMORY", "lan_address"]

KERNEL_MEMORY = 300 * 2**20
"""Memory one page's kernel takes, in bytes (a dashboard's kernel holds 200-300 MB)."""
DEFAULT_PER_CLIENT = 2
_HOST_NAME = re.compile(r"^[A-Za-z0-9.:-]{1,253}$")


def lan_address() -> str:
    """This machine's first IPv4 address on an interface that is up, other than loopback (its host name if
    there is none): the address students' devices reach."""
    stats = psutil.net_if_stats()
    for name, addresses in psutil.net_if_addrs().items():
        if name in stats and stats[name].isup:
            for address in addresses:
                if address.family == socket.AF_INET and not ipaddress.ip_address(address.address).is_loopback:
                    return address.address
    return socket.gethostname()


@dataclass
class Door:
    """Who may come in: see the module docstring."""

    ip: str = "127.0.0.1"
    token: str = ""
    hashed_password: str = ""
    allow_hosts: list[str] = field(default_factory=list)
    max_kernels: int = 0
    max_kernels_per_client: int = 0

    @staticmethod
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        """Add the door's options to ``parser``."""
        parser.add_argument("--ip", default="127.0.0.1",
                            help="address to serve on: 0.0.0.0 (every network of this machine) or one of its "
                                 "addresses lets students' devices connect, with a token (default 127.0.0.1)")
        parser.add_argument("--token", action="store_true",
                            help="require the token shown on this screen on localhost too (always on another --ip)")
        parser.add_argument("--password", action="store_true",
                            help="ask for a password students must type, instead of a token")
        parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                            help="another host name students' browsers use for this machine (repeatable)")
        parser.add_argument("--max-kernels", type=int, default=None,
                            help="most pages open at once (default on a network: what free memory holds; "
                                 "on localhost: no limit)")
        parser.add_argument("--max-kernels-per-client", type=int, default=None,
                            help=f"most pages open at once from one device (default on a network: "
                                 f"{DEFAULT_PER_CLIENT}; on localhost: no limit)")

    @classmethod
    def from_arguments(cls, args: argparse.Namespace, pooled: int = 0) -> "Door":
        """The door the parsed options ask for; ValueError names the option to fix. ``--password`` reads the
        password from the terminal. ``pooled``: kernels kept pre-started, whose memory the default limit on a
        network leaves aside (an idle pool stays full while the room fills)."""
        try:
            address = ipaddress.ip_address(args.ip)
        except ValueError:
            raise ValueError(f"--ip must be an IP address of this machine (e.g. 0.0.0.0 or 192.168.1.20), "
                             f"got {args.ip!r}") from None
        for name in args.allow_host:
            if not _HOST_NAME.match(name):
                raise ValueError(f"--allow-host: {name!r} is not a host name (letters, digits, '.', '-', ':')")
        for option, value in (("--max-kernels", args.max_kernels),
                              ("--max-kernels-per-client", args.max_kernels_per_client)):
            if value is not None and value < 0:
                raise ValueError(f"{option} must be 0 (no limit) or positive, got {value}")
        on_network = not address.is_loopback
        door = cls(ip=str(address), allow_hosts=list(args.allow_host))
        if args.password:
            door.hashed_password = _ask_password()
        elif on_network or args.token:
            door.token = secrets.token_urlsafe(12)
        default_total = (max(1, psutil.virtual_memory().available // KERNEL_MEMORY - pooled) if on_network
                         else 0)
        door.max_kernels = default_total if args.max_kernels is None else args.max_kernels
        door.max_kernels_per_client = ((DEFAULT_PER_CLIENT if on_network else 0) if args.max_kernels_per_client
                                       is None else args.max_kernels_per_client)
        return door

    @property
    def probe_host(self) -> str:
        """Where this machine reaches the server to see that it answers."""
        return "127.0.0.1" if self.ip in WILDCARD_ADDRESSES else _url_host(self.ip)

    def base_url(self, port: int) -> str:
        """The server's root URL as students' devices (or, on localhost, this machine) reach it."""
        host = lan_address() if self.ip in WILDCARD_ADDRESSES else self.ip
        return f"http://{_url_host(host)}:{port}/"

    def with_token(self, url: str) -> str:
        """``url`` with the token a first visit needs (unchanged without a token)."""
        return f"{url}{'&' if '?' in url else '?'}token={self.token}" if self.token else url

    def server_environment(self) -> dict[str, str]:
        """The secrets, for the server's environment (never its command line, which every user can read)."""
        return {name: value for name, value in ((TOKEN_VARIABLE, self.token),
                                                (PASSWORD_VARIABLE, self.hashed_password)) if value}

    def announce(self, url: str) -> None:
        """Print what students need: the URL with the token and its QR code, or the password notice; and the
        kernel limits."""
        if self.token:
            import segno

            print(f"\nStudents open this URL (or scan the code):\n  {self.with_token(url)}\n", flush=True)
            segno.make(self.with_token(url), error="m").terminal(out=sys.stdout, compact=True)
        elif self.hashed_password:
            print(f"\nStudents open {url} and type the password you chose.", flush=True)
        if self.max_kernels or self.max_kernels_per_client:
            print(f"At most {self.max_kernels or 'unlimited'} pages at once, "
                  f"{self.max_kernels_per_client or 'unlimited'} per device.", flush=True)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _ask_password() -> str:
    from jupyter_server.auth import passwd

    password = getpass.getpass("Password students will type: ")
    if not password:
        raise ValueError("--password: the password is empty; type one, or leave --password out to use a token")
    return passwd(password)
