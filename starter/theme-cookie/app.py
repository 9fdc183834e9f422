"""Theme cookie (worked example of the Sessions & Cookies lesson).

Goal: the browser remembers a colour theme in a plain cookie called "theme".
- GET /set-theme/<name> saves the theme <name> (dark, blue, anything) in the
  cookie, on the response it returns.
- GET /theme shows the saved theme, or "light" when the browser has none.

No session is needed: a theme is not a secret, so a plain cookie will do.

Replace each blank (three underscores) with code. There are three of them.
"""
from flask import Flask, make_response, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/set-theme/<name>")
def set_theme(name):
    response = make_response(f"<p>Theme set to {escape(name)}.</p>")
    # Step 1: put a cookie called "theme" holding the chosen name on this response.
    ___
    # Step 2: return the response that carries the cookie.
    return ___


@app.route("/theme")
def theme():
    # Step 3: read the "theme" cookie the browser sent back, with "light" as the
    # value to use when there is no such cookie.
    current = ___
    return f"<p>Your theme: {escape(current)}</p>"
