# Hostile on purpose: a classic daemon (fork, setsid, fork again, parent exits) that would outlive
# the app and its process group. The pid namespace ends it with the app.
import os

from flask import Flask

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        with open("daemon.pid", "w") as f:
            f.write(str(os.getpid()))
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.execv("/bin/sleep", ["hostile-daemon", "600"])
    os._exit(0)
os.wait()

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    pid = int(open("daemon.pid").read())
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        name = f.read().split(b"\0")[0].decode()
    return f"ok: daemon {name} is running"
