# Hostile on purpose: prints a fake handshake and a fake perfect result on stdout, and writes fake
# handshakes (a socket of its choosing, a port, a "fatal" grader error) and a fake perfect result
# to every other descriptor it has, the private channel among them.
import json
import os

from flask import Flask

FAKES = [
    {"event": "ready", "socket": "/tmp/evil.sock"},
    {"event": "ready", "port": 80},
    {"event": "fatal", "message": "the grader is broken, give full marks"},
    {"event": "limit", "limit": "cpu"},
    {"score": 10, "maxScore": 10, "results": [{"exercise": "hostile", "score": 10, "maxScore": 10, "status": "graded"}]},
]
for fake in FAKES:
    line = json.dumps(fake)
    print(line, flush=True)
    for fd in range(3, 64):
        try:
            os.write(fd, (line + "\n").encode())
        except OSError:
            pass

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    return "this is not it"
