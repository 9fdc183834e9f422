"""What the grader reads in a submission's source before any of it runs: the starter's `___`
blanks left in its Python files, why the secret key would be missing, and the facts about the
entry file that hints quote (which lines call set_cookie or remove a key, the student's own
`has_key` calls and imports).

It parses with `ast` and `tokenize` (a file with a syntax error is still read token by token for
its blanks) and never runs the student's code. runner.py calls `report()` in the booted process,
after isolation and before the student's module is imported, so what it sends on the channel is
the runner's own: the grader believes only the first "scan" event (the contract is
SourceScan in graders/boot/sourceFindings.ts). Run as a script it prints the same findings as
JSON, one line per entry, for the grader's tests: `python sourceScan.py ENTRY...`.

Bounded like the rest of the runner: at most MAX_FILES files of MAX_FILE_BYTES each (and
MAX_TOKENIZED_BYTES read as tokens in all), a walk of MAX_VISITED entries, MAX_RECORDS records of
each kind, MAX_TEXT characters of quoted source.
"""

import ast
import functools
import io
import os
import re
import tokenize

MAX_FILES = 200
MAX_FILE_BYTES = 512 * 1024
MAX_TOKENIZED_BYTES = 4 * 1024 * 1024  # over all files: a folder of huge files must not stall the boot
MAX_PARSED_BYTES = 128 * 1024  # an entry file bigger than any beginner's is not analysed: hints stay general
MAX_VISITED = 5000
MAX_DEPTH = 32
MAX_RECORDS = 50
MAX_TEXT = 60
SKIPPED_DIRS = {"node_modules", ".git", "__pycache__", ".venv", "venv", "env"}
BLANK = re.compile(r"_{3,}\Z")
LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Decorators whose function Flask calls while answering a request.
REQUEST_HOOKS = {
    "route", "get", "post", "put", "patch", "delete", "before_request", "before_first_request",
    "before_app_request", "after_request", "teardown_request", "errorhandler", "context_processor",
}
# Where the app's settings come from another object or file: what they hold is not in this one.
CONFIG_LOADERS = re.compile(r"from_\w+\Z")
CONFIG_UPDATERS = {"update", "from_mapping", "setdefault"}
FACTORIES = {"create_app", "make_app"}
# Nodes with nothing below them that the key's reading looks at.
LEAVES = (ast.expr_context, ast.Constant, ast.Name, ast.operator, ast.cmpop, ast.boolop, ast.unaryop, ast.alias)


# ---- reading files ----

def read_source(path):
    """The file's text (undecodable bytes replaced), or None when it is too big or unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES:
        return None
    return data.decode("utf-8", "replace").lstrip("\ufeff")


def python_files(root):
    """The submission's .py files, relative to `root`, in a stable order; links never followed."""
    found = []
    visited = 0

    def walk(folder, depth):
        nonlocal visited
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            visited += 1
            if len(found) >= MAX_FILES or visited > MAX_VISITED:
                return
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIPPED_DIRS and not entry.name.startswith(".") and depth < MAX_DEPTH:
                        walk(entry.path, depth + 1)
                elif entry.is_file(follow_symlinks=False) and entry.name.endswith(".py"):
                    found.append(os.path.relpath(entry.path, root))
            except OSError:
                continue

    walk(root, 0)
    return found


# ---- blanks ----

def blanks_in(file, text):
    """Every `___` blank in the text, as a name of code (one in a comment or a string is no blank).
    Read token by token: a file Python cannot parse still shows the blanks before its error."""
    if "___" not in text:
        return []
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NAME and BLANK.match(tok.string):
                found.append({"file": file, "line": tok.start[0], "column": tok.start[1] + 1})
                if len(found) >= MAX_RECORDS:
                    break
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass  # the rest of the file cannot be read as tokens: Python will say why, once it is filled in
    return found


# ---- the secret key ----

def edit_distance(a, b):
    """Levenshtein distance, a swap of two neighbours counting as one edit."""
    d = [[i] + [0] * len(b) for i in range(len(a) + 1)]
    for j in range(1, len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, d[i - 2][j - 2] + 1)
            d[i][j] = best
    return d[len(a)][len(b)]


@functools.lru_cache(maxsize=256)
def looks_like_secret(name):
    """Is this name an attempt at "secret key" (secret, SECRECT_KEY, secretKey, ...)?"""
    letters = re.sub(r"[^a-z]", "", name.lower())
    if "secret" in letters:
        return True
    if not letters or len(letters) > 20:
        return False
    allowed = 1 if len(letters) <= 3 else max(2, len(letters) // 3)
    return any(edit_distance(letters, option) <= allowed for option in ("secretkey", "secret"))


@functools.lru_cache(maxsize=2)
def source_lines(text):
    """The text's lines as Python numbers them (ast.get_source_segment splits the whole text anew
    on every call, in Python: the key's reading would spend most of its time there)."""
    return LINE_BREAK.split(text)


def segment(text, node):
    """The source text of a node, on one line and bounded (it is quoted to the student). Column
    offsets count UTF-8 bytes, as in ast.get_source_segment."""
    lines = source_lines(text)
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    if not 0 <= first <= last < len(lines) or node.end_col_offset is None:
        return ""
    if first == last:
        found = lines[first].encode()[node.col_offset:node.end_col_offset].decode("utf-8", "replace")
    else:
        middle = lines[first + 1:min(last, first + 20)]  # enough for MAX_TEXT characters
        found = " ".join([lines[first].encode()[node.col_offset:].decode("utf-8", "replace"), *middle,
                          lines[last].encode()[:node.end_col_offset].decode("utf-8", "replace")])
    return " ".join(found.split())[:MAX_TEXT]


def is_main_guard(node):
    """`if __name__ == "__main__":` (either order)."""
    test = node.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


def request_hook(function):
    """`@app.route` when a decorator makes `function` run while Flask answers a request."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.attr in REQUEST_HOOKS:
            return f"@{target.value.id}.{target.attr}"
    return None


def config_of(node):
    """`app` for `app.config`, else None."""
    if isinstance(node, ast.Attribute) and node.attr == "config":
        return node.value
    return None


def key_settings(text, node):
    """The settings (or attempts) of the secret key in one statement or call:
    (correct, value node or None, written words for a misspelling)."""
    found = []
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    for target in targets:
        value = node.value
        if isinstance(target, ast.Attribute) and target.attr != "config":
            holder = config_of(target.value)
            if holder is not None:  # app.config.SECRET_KEY = ...: an attribute, not the setting
                if looks_like_secret(target.attr):
                    found.append((False, None, segment(text, target)))
            elif looks_like_secret(target.attr):
                found.append((target.attr == "secret_key", value, segment(text, target)))
        elif isinstance(target, ast.Subscript) and config_of(target.value) is not None:
            key = target.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and looks_like_secret(key.value):
                found.append((key.value == "SECRET_KEY", value, segment(text, target)))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CONFIG_UPDATERS:
        holder = config_of(node.func.value)
        if holder is not None:
            pairs = [(k.arg, k.value) for k in node.keywords if k.arg]
            for arg in node.args:
                if isinstance(arg, ast.Dict):
                    pairs += [(k.value, v) for k, v in zip(arg.keys, arg.values) if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            if node.func.attr == "setdefault" and len(node.args) >= 1 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                pairs.append((node.args[0].value, node.args[1] if len(node.args) > 1 else None))
            for name, value in pairs:
                if looks_like_secret(name):
                    found.append((name == "SECRET_KEY", value, f"{name} in {segment(text, holder)}.config.{node.func.attr}(...)"))
    return found


def env_variable(node):
    """For a value read from the environment: {"variable": NAME} (NAME when it shows), else None."""
    if node is None:
        return None
    reads = False
    for sub in ast.walk(node):
        name = sub.attr if isinstance(sub, ast.Attribute) else sub.id if isinstance(sub, ast.Name) else None
        if name not in ("environ", "getenv"):
            continue
        reads = True
    if not reads:
        return None
    for sub in ast.walk(node):
        arg = None
        if isinstance(sub, ast.Call) and sub.args:
            func = sub.func
            getenv = (isinstance(func, ast.Name) and func.id == "getenv") or (isinstance(func, ast.Attribute) and func.attr == "getenv")
            get = isinstance(func, ast.Attribute) and func.attr == "get" and env_holder(func.value)
            if getenv or get:
                arg = sub.args[0]
        elif isinstance(sub, ast.Subscript) and env_holder(sub.value):
            arg = sub.slice
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return {"variable": arg.value[:MAX_TEXT]}
    return {}


def env_holder(node):
    return (isinstance(node, ast.Name) and node.id == "environ") or (isinstance(node, ast.Attribute) and node.attr == "environ")


def is_empty(node):
    return isinstance(node, ast.Constant) and node.value in ("", b"", None)


def key_finding(tree, text):
    """Why the secret key would be missing, as the KeyFinding of graders/verdict/secretKey.ts."""
    settings = []  # (line, value, context)
    misspelt = []  # (line, written)
    loaders = [False]

    def visit(node, context):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, LEAVES):
                continue
            inner = context
            setting = isinstance(child, (ast.Assign, ast.AnnAssign, ast.AugAssign))
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = ("function", child.name, request_hook(child))
            elif isinstance(child, ast.If) and is_main_guard(child) and context[0] == "top":
                visit_if_main(child, context)
                continue
            elif isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute):
                attr = child.func.attr
                if CONFIG_LOADERS.match(attr) and config_of(child.func.value) is not None:
                    loaders[0] = True
                setting = attr in CONFIG_UPDATERS
            if setting:
                for correct, value, written in key_settings(text, child):
                    line = child.lineno
                    if correct:
                        settings.append((line, value, context))
                    else:
                        misspelt.append((line, written))
            visit(child, inner)

    def visit_if_main(node, context):
        visit(node.test, context)
        for stmt in node.body:
            wrapper = ast.Module(body=[stmt], type_ignores=[])
            visit(wrapper, ("main",))
        for stmt in node.orelse:
            visit(ast.Module(body=[stmt], type_ignores=[]), context)

    visit(tree, ("top",))
    settings.sort(key=lambda s: s[0])
    misspelt.sort(key=lambda s: s[0])

    top = [s for s in settings if s[2][0] == "top"]
    if top:
        line, value, _ = top[-1]
        env = env_variable(value)
        if env is None and isinstance(value, ast.Name):
            env = env_variable(module_value(tree, value.id))
        if env is not None:
            return {"way": "env", "line": line, **env}
        if is_empty(value):
            return {"way": "empty", "line": line}
        return {"way": "unknown", "line": line}  # set where it should work: the line says where
    if misspelt:
        return {"way": "misspelt", "line": misspelt[0][0], "written": misspelt[0][1]}
    for line, _, context in settings:
        if context[0] == "main":
            return {"way": "under-main", "line": line}
    for line, _, context in settings:
        if context[0] == "function" and context[2]:
            return {"way": "in-request", "line": line, "fn": context[1][:MAX_TEXT], "decorator": context[2][:MAX_TEXT]}
    for line, _, context in settings:
        # A factory is how Flask apps are meant to be made: the key set there is set.
        if context[0] == "function" and context[1] not in FACTORIES:
            return {"way": "in-function", "line": line, "fn": context[1][:MAX_TEXT]}
    if loaders[0]:
        return {"way": "unknown"}
    if not settings:
        # secret_key = "..." on its own: a variable Flask knows nothing about.
        for stmt in tree.body:
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else getattr(stmt, "target", None)
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(target, ast.Name) and looks_like_secret(target.id):
                return {"way": "misspelt", "line": stmt.lineno, "written": f"a variable named {target.id[:MAX_TEXT]}"}
        return {"way": "never-set"}
    return {"way": "unknown"}


def module_value(tree, name):
    """The value the last top-level `NAME = value` gives `name` (for `app.secret_key = SECRET`)."""
    found = None
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            found = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name:
            found = stmt.value
    return found


# ---- facts hints quote ----

def lines_of(node):
    return range(node.lineno, (getattr(node, "end_lineno", None) or node.lineno) + 1)


def source_facts(tree, text):
    """Lines that call set_cookie, lines that remove a key (`del`, `.pop(`), the `has_key` calls
    with their own dictionary and key, methods named on a line of their own without being called
    (`session.clear`), and the names each module is imported with at the top."""
    set_cookie, removes, has_key, uncalled = set(), set(), [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Attribute) and len(uncalled) < MAX_RECORDS:
            # `session.clear` on its own line: a method named, never called; it does nothing.
            uncalled.append({"line": node.lineno, "text": segment(text, node.value)})
        elif isinstance(node, ast.Delete):
            removes.update(lines_of(node))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr = node.func.attr
            if attr == "set_cookie":
                set_cookie.update(lines_of(node))
            elif attr == "pop":
                removes.update(lines_of(node))
            elif attr == "has_key" and len(node.args) == 1 and len(has_key) < MAX_RECORDS:
                has_key.append({"line": node.lineno, "object": segment(text, node.func.value), "key": segment(text, node.args[0])})
    imports = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module and stmt.module not in imports and len(imports) < MAX_RECORDS:
            names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in stmt.names[:20])
            imports[stmt.module[:MAX_TEXT]] = names[:200]
    return {
        "setCookieLines": sorted(set_cookie)[:MAX_RECORDS],
        "removeLines": sorted(removes)[:MAX_RECORDS],
        "hasKey": has_key,
        "uncalled": sorted(uncalled, key=lambda u: u["line"]),
        "imports": imports,
    }


# ---- the whole scan ----

def entry_source(entry):
    """The file the entry's code is in: itself, or a package folder's __init__.py."""
    return os.path.join(entry, "__init__.py") if os.path.isdir(entry) else entry


def scan(entry, root):
    """The findings: {"blanks": [...]} when blanks are left, else the entry file's findings."""
    entry_file = entry_source(entry)
    blanks = []
    budget = MAX_TOKENIZED_BYTES
    for file in python_files(root):
        text = read_source(os.path.join(root, file))
        if text is not None and "___" in text:
            budget -= len(text)
            if budget < 0:
                break
            blanks += blanks_in(file, text)
        if len(blanks) >= MAX_RECORDS:
            break
    if blanks:
        return {"blanks": blanks[:MAX_RECORDS]}
    text = read_source(entry_file)
    if text is None or len(text) > MAX_PARSED_BYTES:
        return {}
    try:
        tree = ast.parse(text, filename=entry_file)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}  # Python says what is wrong when it imports the file
    return {"file": os.path.relpath(entry_file, root), "key": key_finding(tree, text), **source_facts(tree, text)}


def report(entry, root, send):
    """Scan and tell the grader, before any student code runs: exactly one event, always (a
    "problem" for blanks, else "scan"), so that no later event of the student's can stand in for
    it. Returns True when the blanks stop the boot."""
    try:
        found = scan(os.path.abspath(entry), os.path.abspath(root))
    except Exception:  # the grader's own reading failed: the app is still graded, with plainer hints
        found = {}
    if found.get("blanks"):
        send("problem", kind="blanks", locations=found["blanks"])
        return True
    send("scan", **found)
    return False


def warm_up():
    """Run each reading once (tokenize compiles its patterns on first use): the warm zygote calls
    this before it forks, so a child's scan pays for none of it."""
    text = 'from flask import Flask\napp = Flask(__name__)\napp.secret_key = ___\n'
    blanks_in("warm.py", text)
    tree = ast.parse(text)
    key_finding(tree, text)
    source_facts(tree, text)


if __name__ == "__main__":
    import json
    import sys

    for arg in sys.argv[1:]:
        entry = os.path.abspath(arg)
        print(json.dumps(scan(entry, os.path.dirname(entry))))
