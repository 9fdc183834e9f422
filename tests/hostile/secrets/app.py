# Hostile on purpose: looks for the grader's secrets: its environment (directly, and through /proc
# of every process it can see), the specs, the reference solutions, the tests, the original
# submission, a secret file next to it, the grader's socket folder next to its own folder, and
# whatever else is in /tmp or the usual places for keys.
import json
import os

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


def readable(path):
    try:
        if os.path.isdir(path):
            return bool(os.listdir(path))
        with open(path, "rb") as f:
            return bool(f.read(1))
    except OSError:
        return False


@app.get("/probe")
def probe():
    paths = json.load(open("hostile.json"))
    secret_name = paths["secretVariable"]
    found = []
    if secret_name in os.environ:
        found.append("environment " + os.environ[secret_name])
    for pid in [p for p in os.listdir("/proc") if p.isdigit()] + ["self"]:
        for part in ("environ", "cmdline"):
            try:
                data = open(f"/proc/{pid}/{part}", "rb").read().decode(errors="replace")
            except OSError:
                continue
            if secret_name in data or "AUTOGRADER_SANDBOX" in data or "node" in data:
                found.append(f"/proc/{pid}/{part}: {data[:300]}")
    targets = [
        os.path.join(paths["repo"], "specs"),
        os.path.join(paths["repo"], "specs", "visit-counter.yaml"),
        os.path.join(paths["repo"], "solutions"),
        os.path.join(paths["repo"], "tests", "hostile"),
        paths["original"],
        paths["secretFile"],
        os.path.join(os.getcwd(), "..", "sock"),
        "/root/.ssh",
        "/home",
        "/run",
        "/var",
        "/sys",
    ]
    found += [f"read {path}" for path in targets if readable(path)]
    # In /tmp, only the folders that lead to its own.
    here = os.getcwd()
    for top, dirs, files in os.walk("/tmp"):
        for name in dirs + files:
            path = os.path.join(top, name)
            if not (here == path or here.startswith(path + "/") or path.startswith(here + "/")):
                found.append(f"/tmp has {path}")
    return "ok: nothing visible" if not found else "LEAK " + " | ".join(found)
