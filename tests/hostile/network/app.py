# Hostile on purpose: looks for a way out of its network namespace, probing loopback targets only
# (this project's tests never send traffic to any other address, even where isolation is
# missing): the grader's own listeners on 127.0.0.1 and ::1 (ports in hostile.json), and what the
# namespace holds: its interfaces and its routes. Isolated, each connection fails, the only
# interface is a loopback that is down, and there is no route at all, so no address is reachable.
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


def connect(family, host, port):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect((host, port))


RTF_REJECT = 0x0200


def routes(path):
    """Routes the kernel shows this namespace that lead somewhere: not the IPv4 table's header, not
    the "unreachable" entries every IPv6 table holds."""
    try:
        with open(path) as f:
            rows = [line.split() for line in f if line.strip()]
    except OSError:
        return "unknown"
    if path.endswith("ipv6_route"):
        return str(sum(1 for r in rows if not int(r[8], 16) & RTF_REJECT))
    return str(sum(1 for r in rows if r[0] != "Iface"))


@app.get("/probe")
def probe():
    paths = json.load(open("hostile.json"))
    results = [
        attempt("grader loopback", lambda: connect(socket.AF_INET, "127.0.0.1", paths["listenerPort"])),
        attempt("grader loopback6", lambda: connect(socket.AF_INET6, "::1", paths["listenerPort6"])),
    ]
    interfaces = sorted(name for _, name in socket.if_nameindex())
    verdict = "ok: all blocked" if not any(r.startswith("REACHED") for r in results) else "LEAK"
    return (
        f"{verdict}; {'; '.join(results)}; interfaces {','.join(interfaces)}; "
        f"routes {routes('/proc/net/route')}; routes6 {routes('/proc/net/ipv6_route')}"
    )
