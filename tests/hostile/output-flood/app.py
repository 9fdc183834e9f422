# Hostile on purpose: floods stdout and stderr from a background thread, forever, from import on.
# Once asked for /probe it also writes newline-free junk and endless fake events to every other
# pipe it has: the private channel. (Not to its sockets: that would garble its own answers.)
# The grader keeps a bounded part of all of it and goes on grading.
import json
import os
import stat
import sys
import threading

from flask import Flask

LINE = "flood " * 200 + "\n"


def flood_output():
    while True:
        sys.stdout.write(LINE)
        sys.stderr.write(LINE)


def flood_descriptors():
    junk = b"x" * 65536
    fake = (json.dumps({"event": "exception", "request": "r0", "type": "Fake", "message": "", "summary": "Fake"}) + "\n").encode() * 200
    fds = [fd for fd in range(3, 64) if is_pipe(fd)]
    while True:
        for fd in fds:
            for data in (junk, fake):
                try:
                    os.write(fd, data)
                except OSError:
                    pass


def is_pipe(fd):
    try:
        return stat.S_ISFIFO(os.fstat(fd).st_mode)
    except OSError:
        return False


threading.Thread(target=flood_output, daemon=True).start()
app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    threading.Thread(target=flood_descriptors, daemon=True).start()
    return "ok: flooding everything"
