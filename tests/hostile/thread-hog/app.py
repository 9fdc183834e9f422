# Hostile on purpose: starts threads at import until no more can start (the process limit), and
# keeps every one of them. The server has no thread left for requests; it still answers them, one
# at a time, in its own thread.
import threading
import time

from flask import Flask


def idle():
    time.sleep(600)


started = 0
while True:
    try:
        threading.Thread(target=idle, daemon=True).start()
    except RuntimeError:
        break
    started += 1

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    return f"ok: {started} threads started"
