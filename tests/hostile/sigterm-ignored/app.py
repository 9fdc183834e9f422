# Hostile on purpose: ignores SIGTERM, and so does a child it starts (which survives an exec).
# The grader stops apps with SIGKILL on the whole process tree, so this changes nothing.
import os
import signal

from flask import Flask

signal.signal(signal.SIGTERM, signal.SIG_IGN)
if os.fork() == 0:
    os.execv("/bin/sleep", ["hostile-sigterm-ignored", "600"])

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    os.kill(os.getpid(), signal.SIGTERM)
    return "ok: SIGTERM ignored"
