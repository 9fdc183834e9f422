# Hostile on purpose: /probe allocates 10 MB after 10 MB until the memory limit stops it.
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    hoard = []
    while True:
        hoard.append(bytearray(10 * 1024 * 1024))
