# Hostile on purpose: /probe opens files and never closes them; the open files limit stops it.
from flask import Flask

app = Flask(__name__)
leaked = []


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    while True:
        leaked.append(open(__file__))
