"""HTTP/1.1 keep-alive for the student's app, loaded by runner.py (runner.load_helper) under a
private name before any student code runs, and once in the zygote before it forks.

werkzeug's request handler (its WSGI environ, its HTTP parsing), but the connection stays open
for the next request of the same client: the grader sends a submission's requests one after the
other, and a connection and a thread per request cost more than the request. werkzeug's own
handler closes every connection, because it cannot tell the end of a body the app did not read:
here the rest of a body of known length is read and dropped (up to MAX_DRAINED bytes; more, or a
chunked body, closes the connection), a response body longer than its Content-Length is cut
there, and anything unclear closes the connection. A request served in the server's own thread
(no thread could be started: the process limit) closes its connection, so that one idle client
cannot hold the server.
"""

import socket
import threading

from werkzeug.exceptions import InternalServerError
from werkzeug.serving import WSGIRequestHandler

MAX_DRAINED = 1024 * 1024
CONNECTION_ERRORS = (ConnectionError, TimeoutError)


class BoundedBody:
    """The request body: at most `length` bytes of the stream, counted, for the app."""

    def __init__(self, stream, length):
        self.stream = stream
        self.left = length

    def read(self, size=-1):
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.stream.read(size) if size else b""
        self.left -= len(data)
        return data

    def readline(self, size=-1):
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.stream.readline(size) if size else b""
        self.left -= len(data)
        return data

    def readlines(self, hint=-1):
        return list(iter(self.readline, b""))

    def __iter__(self):
        return iter(self.readline, b"")


class KeptAliveHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        if self.connection.family in (socket.AF_INET, socket.AF_INET6):
            # The headers and the body are two writes: without this, the body of a kept
            # connection waits for the client's delayed acknowledgement of the headers.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_request(self, code="-", size="-"):
        """No access log (only the app's own output is kept); werkzeug's would also import
        its colour support in every app on the first request."""

    def make_environ(self):
        environ = super().make_environ()
        self.body = None
        length = self.headers.get("Content-Length")
        if "wsgi.input_terminated" in environ or self.headers.get("Transfer-Encoding"):
            self.close_connection = True  # chunked: its end is not known here
        elif length is None:
            self.body = BoundedBody(self.rfile, 0)
        elif length.strip().isdigit():
            self.body = BoundedBody(self.rfile, int(length))
        else:
            self.close_connection = True
        if self.body is not None:
            environ["wsgi.input"] = self.body
        if threading.current_thread() is threading.main_thread():
            self.close_connection = True
        return environ

    def run_wsgi(self):
        if self.headers.get("Expect", "").lower().strip() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.environ = environ = self.make_environ()
        # "left": body bytes the app's Content-Length still promises (None: not declared).
        state = {"status": None, "headers": None, "sent": False, "chunked": False, "left": None}

        def write(data):
            if not state["sent"]:
                state["sent"] = True
                code, _, reason = state["status"].partition(" ")
                self.send_response(int(code), reason)
                keys = set()
                for key, value in state["headers"]:
                    if key.lower() == "connection" and value.strip().lower() == "close":
                        self.close_connection = True
                    if key.lower() == "content-length":
                        state["left"] = int(value) if value.strip().isdigit() else None
                        if state["left"] is None:
                            self.close_connection = True
                    self.send_header(key, value)
                    keys.add(key.lower())
                code = int(code)
                if environ["REQUEST_METHOD"] == "HEAD" or 100 <= code < 200 or code in (204, 304):
                    state["left"] = None  # no body, whatever the headers say
                elif "content-length" not in keys:
                    state["chunked"] = True
                    self.send_header("Transfer-Encoding", "chunked")
                if self.close_connection and "connection" not in keys:
                    self.send_header("Connection", "close")
                self.end_headers()
            if data:
                if state["chunked"]:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                else:
                    if state["left"] is not None:
                        # More than the app declared: the client reads only what was
                        # declared, and the rest must not be taken for the next response.
                        if len(data) > state["left"]:
                            data = data[: state["left"]]
                            self.close_connection = True
                        state["left"] -= len(data)
                    self.wfile.write(data)
            self.wfile.flush()

        def start_response(status, headers, exc_info=None):
            if exc_info:
                try:
                    if state["sent"]:
                        raise exc_info[1].with_traceback(exc_info[2])
                finally:
                    exc_info = None
            elif state["headers"] is not None:
                raise AssertionError("Headers already set")
            state["status"], state["headers"] = status, headers
            return write

        def execute(app):
            result = app(environ, start_response)
            try:
                for data in result:
                    write(data)
                if not state["sent"]:
                    write(b"")
                if state["chunked"]:
                    self.wfile.write(b"0\r\n\r\n")
                if state["left"]:
                    self.close_connection = True  # less than declared: only closing ends it
            finally:
                if hasattr(result, "close"):
                    result.close()

        try:
            execute(self.server.app)
        except CONNECTION_ERRORS:
            self.close_connection = True
            return
        except Exception:
            if state["sent"]:
                self.close_connection = True  # a response cut short: the client must not wait for more
                return
            state["status"] = state["headers"] = None
            try:
                execute(InternalServerError())
            except Exception:
                self.close_connection = True
                return
        self.drain()

    def drain(self):
        """Read and drop what the app left of the body, so the next request starts where it should."""
        body = self.body
        if self.close_connection or body is None or not body.left:
            return
        if body.left > MAX_DRAINED:
            self.close_connection = True
            return
        try:
            while body.left and body.read(65536):
                pass
        except (OSError, ValueError):
            self.close_connection = True
            return
        if body.left:
            self.close_connection = True
