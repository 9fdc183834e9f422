# Hostile on purpose: /probe writes one ever larger file; the file size limit stops the write.
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    with open("huge.bin", "wb") as f:
        while True:
            f.write(b"\0" * 1024 * 1024)
