"""Protected page (exercise of the Sessions & Cookies lesson).

Goal: only a logged-in user may see /dashboard.
- POST /login with a form field "username" logs that user in, then redirects.
- GET /dashboard greets the logged-in user by name; anyone else is sent to /login.
- GET /logout logs the user out, then redirects.

Replace each blank (three underscores) with code. There are four of them.
"""
from flask import Flask, redirect, request, session, url_for
from markupsafe import escape

app = Flask(__name__)

# Step 1: give the app a secret key: a long string that nobody could guess.
# Flask uses it to sign the session cookie, so that nobody can fake a login.
app.secret_key = ___


@app.route("/")
def index():
    return redirect(url_for("dashboard"))


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        # Step 2: remember who logged in: store the name typed in the form
        # (request.form["username"]) in the session under the key "user".
        ___
        return redirect(url_for("dashboard"))
    return """
        <h1>Log in</h1>
        <form method="post">
            <label>Username <input name="username" required></label>
            <button type="submit">Log in</button>
        </form>
    """


@app.route("/dashboard")
def dashboard():
    user = session.get("user")
    # Step 3: write the condition that is true when nobody is logged in.
    if ___:
        return redirect(url_for("login"))
    return f"<h1>Dashboard</h1><p>Welcome, {escape(user)}! Only logged-in users can see this page.</p>"


@app.route("/logout")
def logout():
    # Step 4: forget the user: remove "user" from the session
    # (without crashing when nobody was logged in).
    ___
    return redirect(url_for("login"))
