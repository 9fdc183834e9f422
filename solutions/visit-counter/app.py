"""Visit counter: each browser sees how many times it has opened the page.

The count lives in Flask's session, which Flask keeps in a signed cookie: every
browser carries its own count, and nobody can change it by editing the cookie.
"""
from flask import Flask, session

app = Flask(__name__)
# The key that signs the session cookie. Set it once, right after creating the app.
# In a real project, generate a long random one, e.g. with:
#   python -c "import secrets; print(secrets.token_hex())"
app.secret_key = "b4f0e1c7d2a94e3f8c6b5a7d9e2f1c03"


@app.route("/")
def index():
    # No count yet on the first visit: start from 0, then add this visit.
    visits = session.get("visits", 0) + 1
    session["visits"] = visits
    return f"<h1>Visit counter</h1><p>Number of visits: {visits}</p>"
