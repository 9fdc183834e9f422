"""Theme cookie: the browser remembers a colour theme in a plain cookie.

A theme is not a secret, and the visitor may change it whenever they like, so a
plain cookie is enough: no session and no secret key are needed here.
"""
from flask import Flask, make_response, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/set-theme/<name>")
def set_theme(name):
    # Build the response first, put the cookie on it, and return that same response.
    response = make_response(f"<p>Theme set to {escape(name)}.</p>")
    response.set_cookie("theme", name)
    return response


@app.route("/theme")
def theme():
    # A browser that never chose a theme sends no cookie: fall back to "light".
    current = request.cookies.get("theme", "light")
    return f"<p>Your theme: {escape(current)}</p>"
