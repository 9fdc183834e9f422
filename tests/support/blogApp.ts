/**
 * A look-alike of the Flask tutorial's app, for tests: a package `blog` with a factory, relative
 * imports, blueprints with session logins, and a SQLite database whose tables
 * `flask --app blog init-db` makes. Sources are indented as in a test file (tempApp dedents them).
 */

export const INIT = `
  import os

  from flask import Flask


  def create_app(test_config=None):
      app = Flask(__name__, instance_relative_config=True)
      app.config.from_mapping(SECRET_KEY="dev", DATABASE=os.path.join(app.instance_path, "blog.sqlite"))
      os.makedirs(app.instance_path, exist_ok=True)

      from . import auth, db, posts

      db.init_app(app)
      app.register_blueprint(auth.bp)
      app.register_blueprint(posts.bp)
      return app
`;

export const TABLES = `
  CREATE TABLE author (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE NOT NULL, secret TEXT NOT NULL);
  CREATE TABLE entry (id INTEGER PRIMARY KEY AUTOINCREMENT, author_id INTEGER NOT NULL, heading TEXT NOT NULL);
`;

export const db = (tables: string, initBody = "get_db().executescript(SCHEMA)") => `
  import sqlite3

  import click
  from flask import current_app, g

  SCHEMA = """
  DROP TABLE IF EXISTS author;
  DROP TABLE IF EXISTS entry;
  ${tables.trim()}
  """


  def get_db():
      if "db" not in g:
          g.db = sqlite3.connect(current_app.config["DATABASE"])
          g.db.row_factory = sqlite3.Row
      return g.db


  def close_db(exception=None):
      db = g.pop("db", None)
      if db is not None:
          db.close()


  def init_db():
      ${initBody}


  @click.command("init-db")
  def init_db_command():
      """Empty the database and make its tables."""
      init_db()
      click.echo("Database ready.")


  def init_app(app):
      app.teardown_appcontext(close_db)
      app.cli.add_command(init_db_command)
`;

export const AUTH = `
  from flask import Blueprint, redirect, request, session, url_for
  from werkzeug.security import check_password_hash, generate_password_hash

  from .db import get_db

  bp = Blueprint("auth", __name__, url_prefix="/auth")


  @bp.route("/register", methods=["POST"])
  def register():
      name, secret = request.form.get("username", ""), request.form.get("password", "")
      db = get_db()
      try:
          db.execute("INSERT INTO author (name, secret) VALUES (?, ?)", (name, generate_password_hash(secret)))
          db.commit()
      except db.IntegrityError:
          return f"The name {name} is taken.", 409
      return redirect(url_for("auth.login"))


  @bp.route("/login", methods=["POST"])
  def login():
      row = get_db().execute("SELECT * FROM author WHERE name = ?", (request.form.get("username", ""),)).fetchone()
      if row is None or not check_password_hash(row["secret"], request.form.get("password", "")):
          return "Wrong name or password.", 401
      session.clear()
      session["author_id"] = row["id"]
      return redirect(url_for("posts.mine"))
`;

export const POSTS = `
  from flask import Blueprint, redirect, request, session, url_for

  from .db import get_db

  bp = Blueprint("posts", __name__)


  @bp.route("/")
  def mine():
      if "author_id" not in session:
          return "Log in first.", 401
      rows = get_db().execute("SELECT heading FROM entry WHERE author_id = ? ORDER BY id", (session["author_id"],)).fetchall()
      return "Your posts: " + (", ".join(r["heading"] for r in rows) or "none yet")


  @bp.route("/create", methods=["POST"])
  def create():
      if "author_id" not in session:
          return "Log in first.", 401
      db = get_db()
      db.execute("INSERT INTO entry (author_id, heading) VALUES (?, ?)", (session["author_id"], request.form["title"]))
      db.commit()
      return redirect(url_for("posts.mine"))
`;

/** The package's files, for tempApp: `db.py` may be swapped for a wrong one. */
export function blogFiles(dbSource = db(TABLES)): Record<string, string> {
  return { "blog/__init__.py": INIT, "blog/db.py": dbSource, "blog/auth.py": AUTH, "blog/posts.py": POSTS };
}
