# Hostile on purpose: squats common development ports (5000, 8000, 8080 on all addresses, 5001 on
# loopback) at import, so that other apps or the grader could not use them. They are its own.
import socket

from flask import Flask

squatted = []
for host, port in (("0.0.0.0", 5000), ("0.0.0.0", 8000), ("0.0.0.0", 8080), ("127.0.0.1", 5001)):
    s = socket.socket()
    try:
        s.bind((host, port))
        s.listen()
        squatted.append(s)
    except OSError:
        s.close()

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    return "ok: squatting " + ",".join(str(s.getsockname()[1]) for s in squatted)
