# Hostile on purpose: tries to write outside its own folder: into the grader's specs, solutions and
# tests, the original submission, the system, the folder above its own. Writing in its own folder
# and in /tmp (private to the app) is allowed.
import json
import os

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


def write(path):
    try:
        with open(path, "w") as f:
            f.write("pwned by a submission\n")
        return True
    except OSError:
        return False


@app.get("/probe")
def probe():
    paths = json.load(open("hostile.json"))
    marker = paths["marker"]
    outside = [
        os.path.join(paths["repo"], "specs", marker),
        os.path.join(paths["repo"], "solutions", marker),
        os.path.join(paths["repo"], "tests", "hostile", marker),
        os.path.join(paths["original"], marker),
        os.path.join(os.getcwd(), "..", "sock", marker),
        os.path.join("/usr", marker),
        os.path.join("/etc", marker),
        os.path.join("/", marker),
    ]
    written = [path for path in outside if write(path)]
    try:
        os.chmod(os.path.join(paths["repo"], "specs"), 0o777)
        written.append("chmod specs")
    except OSError:
        pass
    own = write("own-file.txt") and write(os.path.join("/tmp", marker))
    if written:
        return "LEAK wrote " + ", ".join(written)
    return "ok: only its own folder" if own else "could not write its own folder"
