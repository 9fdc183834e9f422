# Hostile on purpose: a correct app whose folder also holds modules named like the ones the grader's
# runner imports (flask.py, resource.py, json.py, ...), each trying to escape when imported. The
# runner must import its own before any of the submission is importable, so none of them runs
# outside the sandbox; the app itself uses the real Flask.
import os
import sys

import flask
from flask import Flask

app = Flask(__name__)
HERE = os.path.dirname(os.path.abspath(__file__))


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    ran = open(os.path.join(HERE, "shadow-ran.txt")).read() if os.path.exists(os.path.join(HERE, "shadow-ran.txt")) else ""
    real = not os.path.abspath(flask.__file__).startswith(HERE + os.sep)
    if ran:
        return "LEAK " + ran.replace("\n", "; ")
    if not real:
        return "LEAK: the submission's flask"
    # A user site folder's .pth files run at start-up, before the sandbox: the runner starts with -s.
    return "ok: the real flask" if sys.flags.no_user_site else "LEAK: user site folder enabled"
