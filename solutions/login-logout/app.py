"""Login and logout: the home page knows who is logged in.

Logging in stores the name typed in the form in the session (a signed cookie that
the browser sends back with every request); the home page reads it back; logging
out takes it out of the session again.
"""
from flask import Flask, redirect, request, session, url_for
from markupsafe import escape

app = Flask(__name__)
# The key that signs the session cookie. Set it once, right after creating the app.
# In a real project, generate a long random one, e.g. with:
#   python -c "import secrets; print(secrets.token_hex())"
app.secret_key = "4c9a1f6e0b3d47a8e2f5c1d9b6a0e7f3"


@app.route("/")
def index():
    user = session.get("user")
    if user is None:
        return '<p>You are not logged in.</p><p><a href="/login">Log in</a></p>'
    return f'<p>Logged in as {escape(user)}.</p><p><a href="/logout">Log out</a></p>'


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        session["user"] = request.form["username"]
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
    # The None: no KeyError when nobody is logged in.
    session.pop("user", None)
    return redirect(url_for("index"))
