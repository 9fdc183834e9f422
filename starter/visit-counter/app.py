"""Visit counter (practice exercise of the Sessions & Cookies lesson).

Goal: the home page says how many times THIS browser has opened it:
1 on the first visit, then 2, then 3, and so on. Another browser has its own count.

Replace each blank (three underscores) with code. There are three of them.
"""
from flask import Flask, session

app = Flask(__name__)

# Step 1: give the app a secret key: any string in quotes will do for now.
# Flask uses it to sign the session cookie, so that visitors cannot change it.
app.secret_key = ___


@app.route("/")
def index():
    # Step 2: read the count saved so far (0 if this browser never came before)
    # and add one for the visit that is happening now.
    visits = session.get("visits", 0) + ___

    # Step 3: save the new count in the session, so the next visit can read it.
    session["visits"] = ___

    return f"<h1>Visit counter</h1><p>Number of visits: {visits}</p>"
