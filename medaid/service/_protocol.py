"""uvicorn's fast (httptools) HTTP/1.1 protocol, reading the body of a request that offers an upgrade it ignores.

Every JDK ``HttpClient`` offers HTTP/2 on ``http://`` with ``Connection: Upgrade, HTTP2-Settings`` and
``Upgrade: h2c``. RFC 9110 §7.8 lets a server ignore the offer and answer over HTTP/1.1, which uvicorn does;
but with httptools the parser stops at the end of the headers (``HttpParserUpgrade``) and the body never
reaches the application, which then sees an empty request (Kludex/uvicorn#2722, open). This protocol reads
that body itself (``Content-Length`` or chunked), hands it to the request cycle, and puts a fresh parser in
place for the next request on the connection. Used only when httptools is installed; uvicorn's h11 protocol
(pure Python, about three times the CPU per request) does not have the defect and is the fallback.
"""

from __future__ import annotations

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from medaid.errors import N_, InternalError

__all__ = ["UpgradeTolerantProtocol"]


class UpgradeTolerantProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` that delivers the body of a request whose upgrade offer it ignores."""

    _owed: int | None = None  # Content-Length bytes still to read for such a request
    _chunked: bytearray | None = None  # unparsed chunked-encoding bytes for such a request

    def data_received(self, data: bytes) -> None:
        if self._owed is not None or self._chunked is not None:
            self._body(data)
            return
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.logger.warning("Invalid HTTP request received.")
            self.send_400_response("Invalid HTTP request received.")
        except httptools.HttpParserUpgrade as exc:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
                return
            self._ignored_upgrade(data[exc.args[0] :] if exc.args else b"")

    def _ignored_upgrade(self, rest: bytes) -> None:
        """The request's headers are parsed and its cycle started with an empty, complete body: reopen the
        body (the application has not run yet, this is the same event-loop step) and read it here."""
        cycle = self.cycle
        headers = dict(self.headers)
        if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
            self._chunked = bytearray()
        else:
            length = headers.get(b"content-length", b"0")
            if not length.isdigit():
                self.send_400_response("Invalid Content-Length.")
                return
            self._owed = int(length)
        cycle.body = bytearray()
        cycle.more_body = True
        cycle.message_event.clear()
        self._body(rest)

    def _body(self, data: bytes) -> None:
        cycle = self.cycle
        leftover = b""
        if self._owed is not None:
            take = data[: self._owed]
            self._owed -= len(take)
            cycle.body += take
            leftover = data[len(take) :]
            done = self._owed == 0
        else:
            if self._chunked is None:
                raise InternalError(N_("{name} is unset"), name="self._chunked")
            self._chunked += data
            done, leftover = self._dechunk(cycle)
            if done is None:
                self.send_400_response("Invalid chunked encoding.")
                return
        if done:
            self._owed = self._chunked = None
            cycle.more_body = False
            self.parser = httptools.HttpRequestParser(self)  # the next request on this connection
        cycle.message_event.set()
        if leftover:
            self.data_received(leftover)

    def _dechunk(self, cycle) -> tuple[bool | None, bytes]:
        """Move whole chunks from the buffer to the body; (finished, bytes after the message), None if malformed."""
        buffer = self._chunked
        if buffer is None:
            raise InternalError(N_("{name} is unset"), name="buffer")
        while True:
            end = buffer.find(b"\r\n")
            if end < 0:
                return False, b""
            size_text = bytes(buffer[:end]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                return None, b""
            if size == 0:  # the last chunk, then optional trailer fields, then an empty line
                after = end + 2
                if buffer[after : after + 2] == b"\r\n":
                    return True, bytes(buffer[after + 2 :])
                close = buffer.find(b"\r\n\r\n", after)
                if close < 0:
                    return False, b""
                return True, bytes(buffer[close + 4 :])
            if len(buffer) < end + 2 + size + 2:
                return False, b""
            cycle.body += buffer[end + 2 : end + 2 + size]
            del buffer[: end + 2 + size + 2]
