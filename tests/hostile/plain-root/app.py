# Hostile on purpose: run without isolation by a grader that is root, it reports who it is and
# tries to read and write the grader's files (paths in hostile.json): the hidden checks and specs
# in a folder only root may enter, the results folder, the grader's own start-up environment,
# and its original submission folder.
import json
import os

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


def read(path):
    with open(path, "rb") as f:
        f.read(1)


def write(path):
    with open(path, "a") as f:
        f.write("pwned by a submission\n")


@app.get("/probe")
def probe():
    paths = json.load(open("hostile.json"))
    marker = paths["marker"]
    results = [
        attempt("hidden checks", lambda: read(paths["hiddenChecks"])),
        attempt("specs", lambda: os.listdir(paths["specs"])),
        attempt("results", lambda: write(os.path.join(paths["results"], marker))),
        attempt("grader environ", lambda: read(f"/proc/{paths['graderPid']}/environ")),
        attempt("original submission", lambda: write(os.path.join(paths["original"], marker))),
        attempt("own folder", lambda: write("own-file.txt")),
    ]
    who = f"uid {os.getuid()} euid {os.geteuid()} gid {os.getgid()} groups {os.getgroups()}"
    return f"{who}; {'; '.join(results)}"
