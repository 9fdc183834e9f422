# Hostile on purpose: leaves the process group the grader stops (os.setsid()) and keeps writing in
# its folder from a thread, to outlive its stop, the grader, and the next app that uses the folder.
# Once the app is stopped, nothing of it may still run.
import os
import threading
import time

from flask import Flask

try:
    os.setsid()
    left = "left its process group"
except OSError as exc:
    left = f"could not leave its process group: {exc}"


def keep_writing():
    while True:
        with open("still-here.txt", "a") as f:
            f.write(f"{time.time()}\n")
        time.sleep(0.01)


threading.Thread(target=keep_writing, daemon=True).start()

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    return f"ok: {left}"
