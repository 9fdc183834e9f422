# Hostile on purpose: tries to reach the internet (an address that is never routed, and DNS) and a
# service on the grader's loopback (its port is in hostile.json). Each attempt must fail.
import json
import socket

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


def attempt(what, action):
    try:
        action()
        return f"REACHED {what}"
    except OSError as exc:
        return f"blocked {what} ({type(exc).__name__})"


def connect(host, port):
    with socket.create_connection((host, port), timeout=2):
        pass


@app.get("/probe")
def probe():
    port = json.load(open("hostile.json"))["listenerPort"]
    results = [
        attempt("internet", lambda: connect("192.0.2.1", 80)),  # TEST-NET-1: never routed anyway
        attempt("dns", lambda: socket.getaddrinfo("example.com", 80)),
        attempt("grader loopback", lambda: connect("127.0.0.1", port)),
    ]
    interfaces = sorted(name for _, name in socket.if_nameindex())
    verdict = "ok: all blocked" if not any(r.startswith("REACHED") for r in results) else "LEAK"
    return f"{verdict}; {'; '.join(results)}; interfaces {','.join(interfaces)}"
