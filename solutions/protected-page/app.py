"""Protected page: only a logged-in user may see the dashboard.

Logging in stores the user's name in the session (a signed cookie), the dashboard
reads it back, and logging out removes it.
"""
from flask import Flask, redirect, request, session, url_for
from markupsafe import escape

app = Flask(__name__)
# The key that signs the session cookie. Set it once, right after creating the app.
# In a real project, generate a long random one, e.g. with:
#   python -c "import secrets; print(secrets.token_hex())"
app.secret_key = "9d1e7c4a2b6f48e0a3c5d8f1b7e2a946"


@app.route("/")
def index():
    return redirect(url_for("dashboard"))


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        session["user"] = request.form["username"]
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
    if user is None:
        return redirect(url_for("login"))
    return f"<h1>Dashboard</h1><p>Welcome, {escape(user)}! Only logged-in users can see this page.</p>"


@app.route("/logout")
def logout():
    session.pop("user", None)
    return redirect(url_for("login"))
