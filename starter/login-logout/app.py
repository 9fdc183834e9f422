"""Login and logout (worked examples of the Sessions & Cookies lesson).

Goal: the home page knows who is logged in.
- GET / says "You are not logged in." to a new visitor, and shows the name of
  whoever is logged in.
- POST /login with a form field "username" logs that user in, then sends the
  browser back to the home page.
- GET /logout logs the user out (even when nobody is logged in), then sends the
  browser back to the home page.

Replace each blank (three underscores) with code. There are four of them.
"""
from flask import Flask, redirect, request, session, url_for
from markupsafe import escape

app = Flask(__name__)

# Step 1: give the app a secret key: a long string that nobody could guess.
# Flask signs the session cookie with it, so that nobody can fake a login.
app.secret_key = ___


@app.route("/")
def index():
    # Step 2: read the name saved under "user" in the session, without crashing
    # when there is none yet (the result is then None).
    user = ___
    if user is None:
        return '<p>You are not logged in.</p><p><a href="/login">Log in</a></p>'
    return f'<p>Logged in as {escape(user)}.</p><p><a href="/logout">Log out</a></p>'


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        # Step 3: remember who logged in: store the name typed in the form
        # (request.form["username"]) in the session under the key "user".
        ___
        return redirect(url_for("index"))
    return """
        <h1>Log in</h1>
        <form method="post">
            <label>Username <input name="username" required></label>
            <button type="submit">Log in</button>
        </form>
    """


@app.route("/logout")
def logout():
    # Step 4: forget the user: take "user" out of the session, without crashing
    # when nobody was logged in.
    ___
    return redirect(url_for("index"))
