# Hostile on purpose: looks among its open descriptors for the line a warm child has to the zygote
# (the zygote writes the ids of a child's user namespace when the grader is root) and asks it to
# map ids, as an app would that wants to run as root outside its sandbox. The line must be closed
# before any student code runs, on every path: no descriptor may answer.
import os
import select
import stat

from flask import Flask

answers = []
for fd in range(3, 256):
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        continue
    if not stat.S_ISSOCK(mode):
        continue
    try:
        os.write(fd, b"map 0\n")
        readable, _, _ = select.select([fd], [], [], 0.2)
        if readable:
            data = os.read(fd, 100)
            if data:
                answers.append(f"fd {fd}: {data!r}")
    except OSError:
        pass

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    return "ok: no line to the zygote" if not answers else "leak: " + "; ".join(answers)
