# Hostile on purpose: an endless loop at import, burning the processor; the CPU time limit stops it.
from flask import Flask

app = Flask(__name__)

while True:
    pass
