# Hostile on purpose: four background threads spin forever from import on. The app still answers
# at first; the CPU time limit (processor time of the whole process) stops it while /probe waits.
import threading
import time

from flask import Flask


def spin():
    while True:
        pass


for _ in range(4):
    threading.Thread(target=spin, daemon=True).start()

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    time.sleep(60)
    return "still here"
