"""Which of the student's lines wrote the session or set a cookie while answering a request.

runner.py calls `watch(root)` before the student's module is imported: it wraps the session
class's writing methods (session[k] = v, del session[k], .pop, .clear, .update, .setdefault,
.popitem) and Response.set_cookie / delete_cookie. Each call made from a file inside the
submission is recorded on the request being answered (its WSGI environ), at most MAX_PER_REQUEST
of them; `of(environ)` hands them to the runner's endpoint event. A failed check about a cookie
or the session can then point at the line that wrote it (see graders/boot/sourceFindings.ts).
"""

import os
import sys
import threading

MAX_PER_REQUEST = 20
MAX_FRAMES = 40
KEY = "autograder.writes"

_inside = threading.local()  # delete_cookie calls set_cookie: one record, not two


def watch(root):
    """Wrap the writing methods; returns nothing, raises nothing (a failure only loses the records)."""
    try:
        from flask import has_request_context, request
        from flask.sessions import SecureCookieSession
        from werkzeug.sansio.response import Response
    except Exception:
        return
    prefix = os.path.abspath(root) + os.sep
    shown = {}  # a file's name as the student knows it, worked out once per file

    def student_line():
        frame = sys._getframe(2)
        for _ in range(MAX_FRAMES):
            if frame is None:
                return None
            filename = frame.f_code.co_filename
            if filename.startswith(prefix):
                name = shown.get(filename)
                if name is None:
                    name = shown[filename] = os.path.relpath(filename, root)
                return name, frame.f_lineno
            frame = frame.f_back
        return None

    def record(kind, key):
        if getattr(_inside, "cookie", False) or not has_request_context():
            return
        records = request.environ.setdefault(KEY, [])
        if not isinstance(records, list) or len(records) >= MAX_PER_REQUEST:
            return
        where = student_line()
        if where is None:
            return
        entry = {"kind": kind, "file": where[0], "line": where[1]}
        if isinstance(key, (str, int)):
            entry["key"] = repr(key)[:60]
        records.append(entry)

    def wrap(cls, name, kind, keyed=True, only_new=False):
        original = getattr(cls, name)

        def wrapper(self, *args, **kwargs):
            key = args[0] if keyed and args else kwargs.get("key")
            if not only_new or key not in self:
                try:
                    record(kind, key)
                except Exception:
                    pass
            return original(self, *args, **kwargs)

        wrapper.__name__ = name
        wrapper.__doc__ = original.__doc__
        setattr(cls, name, wrapper)

    wrap(SecureCookieSession, "__setitem__", "session-set")
    wrap(SecureCookieSession, "setdefault", "session-set", only_new=True)
    wrap(SecureCookieSession, "__delitem__", "session-delete")
    wrap(SecureCookieSession, "pop", "session-delete")
    wrap(SecureCookieSession, "popitem", "session-delete", keyed=False)
    wrap(SecureCookieSession, "clear", "session-clear", keyed=False)
    wrap(SecureCookieSession, "update", "session-update", keyed=False)
    wrap(Response, "set_cookie", "set-cookie")

    delete_cookie = Response.delete_cookie

    def deleting(self, *args, **kwargs):
        try:
            record("delete-cookie", args[0] if args else kwargs.get("key"))
        except Exception:
            pass
        _inside.cookie = True
        try:
            return delete_cookie(self, *args, **kwargs)
        finally:
            _inside.cookie = False

    deleting.__doc__ = delete_cookie.__doc__
    Response.delete_cookie = deleting


def of(environ):
    """The records of one request (a list of plain dicts, bounded)."""
    records = environ.get(KEY)
    return records[:MAX_PER_REQUEST] if isinstance(records, list) else []
