# A correct app with underscores everywhere but in its code: notes.txt's "Name: ________", a
# string and a comment. None of them is a starter's blank (blanks are Python code tokens).
from flask import Flask

app = Flask(__name__)
SIGNATURE = "____"  # ___ left for the grader to find? No: strings and comments are not code


@app.get("/")
def index():
    return "hello"


@app.get("/probe")
def probe():
    return "ok " + open("notes.txt").read().strip()
