# Hostile on purpose: finds the runner's private channel among its open descriptors and writes
# notes of its own on it, as an app would that replays the requests it logged (a hidden check's
# secret query, for one) to get them printed in every report. Only the runner's own note kinds
# may be believed, in the grader's words.
import json
import os
import stat

from flask import Flask

FORGED = [
    {"event": "note", "kind": "seen: GET /?secret_probe=hostile-forged-note"},
    {"event": "note", "kind": "::notice title=Autograding complete::Points 10/10"},
    {"event": "note", "kind": {"not": "a string"}},
]

for fd in range(3, 64):
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        continue
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        for note in FORGED:
            try:
                os.write(fd, (json.dumps(note) + "\n").encode())
            except OSError:
                pass

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    return "ok"
