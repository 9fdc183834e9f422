# Hostile on purpose: /probe never answers (an endless loop); the request time limit fails only
# that check, and the app is started again for the next one.
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    while True:
        pass
