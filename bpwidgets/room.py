"""Who may come in to a served lecture: the ``Host`` allowlist and the limits on kernels.

- Every request whose ``Host`` header names a host the server was not started for is refused (403) before
  any handler sees it. A web page a student or the lecturer visits could otherwise reach the server through
  a name of its own that resolves to this machine (DNS rebinding), on localhost as on the room's network.
- Each page of a notebook starts a kernel of a few hundred MB. :class:`Room` counts them per client address,
  those running and those still starting for a page that is loading; past ``max_kernels`` in all or
  ``max_kernels_per_client`` for one address a page request gets :func:`full_page` (503), not a hung page.
"""

from __future__ import annotations

import html
import socket
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterable, Iterator

import psutil
from tornado import web
from tornado.httputil import HTTPServerRequest, split_host_and_port
from tornado.routing import Matcher
from voila.tornado.handler import TornadoVoilaHandler

from bpwidgets.server_command import WILDCARD_ADDRESSES

__all__ = ["LOCAL_HOSTNAMES", "ForeignHost", "ForeignHostHandler", "Room", "RoomVoilaHandler", "allowed_hosts",
           "full_page", "host_name"]

LOCAL_HOSTNAMES = ("localhost", "127.0.0.1", "::1")
"""Names a browser on this machine uses for it."""
RETRY_SECONDS = 60


def host_name(host_header: str) -> str:
    """The host of a ``Host`` header, lower case, without its port or an IPv6 address's brackets."""
    text = host_header.strip().lower()
    if text.startswith("["):
        return text[1:text.find("]")] if "]" in text else text
    if text.count(":") > 1:  # a bare IPv6 address: its last group is no port
        return text
    return split_host_and_port(text)[0]


def allowed_hosts(ip: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The host names a server bound to ``ip`` answers to: this machine's local names, ``ip`` itself (or, for a
    wildcard address, every address of this machine and its host name), and ``extra``."""
    names = set(LOCAL_HOSTNAMES)
    if ip in WILDCARD_ADDRESSES:
        names.update(address.address.split("%")[0] for addresses in psutil.net_if_addrs().values()
                     for address in addresses if address.family in (socket.AF_INET, socket.AF_INET6))
        names.update({socket.gethostname(), socket.getfqdn()})
    else:
        names.add(ip)
    names.update(extra)
    return frozenset(host_name(name) for name in names if name)


class ForeignHost(Matcher):
    """Matches the requests whose ``Host`` is not one of ``allowed`` (so that the refusal handles them)."""

    def __init__(self, allowed: Iterable[str]):
        self.allowed = frozenset(host_name(name) for name in allowed)

    def match(self, request: HTTPServerRequest) -> dict | None:
        return None if host_name(request.host or "") in self.allowed else {}


class ForeignHostHandler(web.RequestHandler):
    """Refuses every request it gets (any method, websockets included) with 403."""

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("403: this server does not answer to that host name. Use the address the lecturer shows.\n")


ARRIVAL: ContextVar["Arrival | None"] = ContextVar("bpwidgets_arrival", default=None)
"""The page request being served in this task: the kernel it starts is counted as its client's."""


@dataclass(eq=False)
class Arrival:
    """A page request from ``client`` whose kernel is starting (``kernel_id`` set once it has one)."""

    client: str
    kernel_id: str | None = None


class Room:
    """The kernels of each client address, running or starting; refuses a page past the limits (0: none)."""

    def __init__(self, max_kernels: int = 0, max_kernels_per_client: int = 0):
        if max_kernels < 0 or max_kernels_per_client < 0:
            raise ValueError(f"kernel limits must be 0 (no limit) or positive, got max_kernels={max_kernels}, "
                             f"max_kernels_per_client={max_kernels_per_client}")
        self.max_kernels = max_kernels
        self.max_kernels_per_client = max_kernels_per_client
        self._kernels: dict[str, str] = {}
        self._arrivals: list[Arrival] = []

    def _clients(self) -> list[str]:
        return list(self._kernels.values()) + [a.client for a in self._arrivals if a.kernel_id is None]

    def refusal(self, client: str) -> str | None:
        """Why a new page of ``client`` cannot have a kernel now, or None when it can."""
        clients = self._clients()
        if self.max_kernels and len(clients) >= self.max_kernels:
            return f"All {self.max_kernels} places of this lecture are taken."
        if self.max_kernels_per_client and clients.count(client) >= self.max_kernels_per_client:
            return (f"Your device already has {self.max_kernels_per_client} page(s) of this lecture open: close "
                    "one (its place frees a few seconds later) or use the one you have.")
        return None

    @contextmanager
    def arriving(self, client: str) -> Iterator[Arrival]:
        """Count a page request of ``client`` while it is served; the kernel it starts is seated as its."""
        arrival = Arrival(client)
        self._arrivals.append(arrival)
        token = ARRIVAL.set(arrival)
        try:
            yield arrival
        finally:
            ARRIVAL.reset(token)
            self._arrivals.remove(arrival)

    def seat(self, kernel_id: str) -> None:
        """Count ``kernel_id`` as the kernel of the page request being served in this task, if any."""
        arrival = ARRIVAL.get()
        if arrival is not None and arrival.kernel_id is None:
            arrival.kernel_id = kernel_id
            self._kernels[kernel_id] = arrival.client

    def leave(self, kernel_id: str) -> None:
        """Free the place of a kernel that has ended."""
        self._kernels.pop(kernel_id, None)


def full_page(reason: str) -> str:
    """The page a student gets when the room is full: what happened and what to do; it retries by itself."""
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='refresh' content='{RETRY_SECONDS}'><title>The room is full</title></head>"
            "<body style='font-family:sans-serif;max-width:40em;margin:4em auto;font-size:20px;line-height:1.5'>"
            f"<h1>The room is full</h1><p>{html.escape(reason)}</p>"
            f"<p>Try again in a minute (this page retries by itself every {RETRY_SECONDS} s), or ask the "
            "lecturer.</p></body></html>")


class RoomVoilaHandler(TornadoVoilaHandler):
    """Voila's page handler, refusing a page with :func:`full_page` when its kernel would overfill the room, and
    giving a page that gets a kernel its XSRF cookie."""

    def _starts_kernel(self, path: str | None) -> bool:
        # mirrors VoilaHandler.get_generator: one notebook is served at '/', a directory's at their paths
        return not path if self.notebook_path else bool(path) and path.lower().endswith(".ipynb")

    @web.authenticated
    async def get(self, path: str | None = None) -> None:
        if self._starts_kernel(path):
            # sets the page's ``_xsrf`` cookie, which its shutdown request on unload needs (else refused: 403)
            _ = self.xsrf_token
        room: Room | None = getattr(self.kernel_manager, "room", None)
        if room is None or not self._starts_kernel(path):
            return await super().get(path)
        client = self.request.remote_ip or ""
        reason = room.refusal(client)
        if reason is not None:
            self.log.warning("Refused a page of %s for %s: %s", path or "the notebook", client, reason)
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_SECONDS))
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(full_page(reason))
            return None
        with room.arriving(client):
            return await super().get(path)
