"""Real Flask session cookies for tests/sessionCookie.test.ts.

Reads one JSON command on stdin and writes one JSON answer on stdout, so the test needs two
interpreter starts in all (make, then check) instead of one per cookie.

  {"cmd": "make", "key": K}
      -> {"before": s, "after": s, "cases": {name: {"cookie": c, "expected": display(data)}}}
  {"cmd": "check", "items": [{"cookie": c, "key": K}, ...]}
      -> [{"signature": ok|error, "session": ok|error, "dump": display(session)}, ...]
"""
import json
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import Flask, session
from markupsafe import Markup
from werkzeug.http import http_date

CASES = {
    "simple": {"user": "alice", "visits": 3},
    # What flash("Saved!") stores; the first key does not start with a letter.
    "flashes": {"_flashes": [("message", "Saved!")], "user": "alice"},
    # "10" < "2" in Python's sort but not in a JS object's key order.
    "nested": {"cart": {"items": [{"qty": 2, "sku": "A1"}], "total": 9.5}, "flags": {"admin": False, "beta": None},
               "scores": {"10": 1, "2": 2}},
    "unicode": {"name": "Zoë 😀 日本語", "note": "tab\tquote\" back\\ del\x7f"},
    "large": {"history": [f"/page/{i % 7}" for i in range(400)]},
    "tagged": {
        "pair": (1, "two"),
        "raw": "café".encode(),
        "html": Markup("<b>hi</b>"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        "looks_tagged": {" t": "not a tuple"},
    },
}


def display(value):
    """What decodeSession should show for a Python session value."""
    if isinstance(value, dict):
        return {k: display(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [display(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, datetime):
        return http_date(value)
    if isinstance(value, (Markup, uuid.UUID)):
        return str(value)
    return value


def app_for(key):
    app = Flask(__name__)
    app.secret_key = key

    @app.get("/set/<name>")
    def set_case(name):
        session.update(CASES[name])
        return ""

    @app.get("/dump")
    def dump():
        return json.dumps(display(dict(session)))

    return app


def make(key):
    app = app_for(key)
    before = int(time.time())
    cases = {}
    for name, data in CASES.items():
        client = app.test_client()  # a real request: save_session runs in an app context
        client.get(f"/set/{name}")
        cases[name] = {"cookie": client.get_cookie("session").value, "expected": display(data)}
    # Serializer outside an app context, as in Flask's docs: keys come out UNSORTED.
    data = {"zeta": 1, "alpha": 2}
    cookie = app.session_interface.get_signing_serializer(app).dumps(data)
    cases["serializer"] = {"cookie": cookie, "expected": data}
    return {"before": before, "after": int(time.time()), "cases": cases}


def attempt(load):
    try:
        return {"ok": True, "data": display(load())}
    except Exception as e:  # BadSignature, SignatureExpired, ...
        return {"ok": False, "error": type(e).__name__}


def check(items):
    apps, out = {}, []
    for item in items:
        app = apps.setdefault(item["key"], app_for(item["key"]))
        s = app.session_interface.get_signing_serializer(app)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        client = app.test_client()
        client.set_cookie("session", item["cookie"])
        out.append({
            "signature": attempt(lambda: s.loads(item["cookie"])),  # signature only
            "session": attempt(lambda: s.loads(item["cookie"], max_age=max_age)),  # as open_session
            "dump": client.get("/dump").get_json(force=True),
        })
    return out


if __name__ == "__main__":
    request = json.load(sys.stdin)
    answer = make(request["key"]) if request["cmd"] == "make" else check(request["items"])
    json.dump(answer, sys.stdout)
