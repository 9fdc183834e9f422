"""Mutants of a reference solution: each one a copy with one realistic mistake of the lesson.

    python3 mutate.py SOLUTION_DIR [--entry app.py] [--quiz QUESTIONS_JSON]

Prints one JSON document: {"file": ..., "mutants": [{id, operator, says, where, routes, source,
diff, file}, ...]}. An entry that is a package folder (`--entry blog`) has every .py file below
it mutated; each mutant names the file it changes, and its id starts with that file
(`blog/auth.py:pop-removed/logout`), so ids stay distinct per file and stable while its code is. Nothing is run or written: the solution is only parsed with `ast`.

Each operator is one small function registered with @operator(name, says): `says` is the mistake
in a student's words. It gets the parsed module and yields mutated copies (through Site, which
copies the module and changes one node). The mutant's text keeps the solution's own lines
wherever the code did not change (see splice), so its diff shows the mistake and nothing else.
Same input, same output, byte for byte: operators run in the order below, sites in source order.
"""
import argparse
import ast
import copy
import difflib
import json
import os
import re
import sys
import textwrap

if sys.version_info < (3, 9):
    sys.exit("verify needs Python 3.9 or newer (ast.unparse)")

OPERATORS = []


class Operator:
    def __init__(self, name, says, make):
        self.name, self.says, self.make = name, says, make


def operator(name, says):
    def register(make):
        OPERATORS.append(Operator(name, says, make))
        return make

    return register


class Mutation:
    """A mutated module, where the change is (a view function's name, or "module"), and a detail for its id."""

    def __init__(self, tree, where, detail=""):
        self.tree, self.where, self.detail = tree, where, detail


# ---------------------------------------------------------------------------------------------
# Finding nodes, and changing one node in a copy of the module

class Site:
    """A node of the original module, found by its path, with the view function around it."""

    def __init__(self, module, path, node, function):
        self.module, self.path, self.node, self.function = module, path, node, function

    def _copy(self):
        tree = copy.deepcopy(self.module)
        parent, field, index = tree, None, None
        for step_field, step_index in self.path:
            holder = getattr(parent, step_field)
            node = holder if step_index is None else holder[step_index]
            field, index, owner, parent = step_field, step_index, parent, node
        return tree, owner, field, index

    def replace(self, new, detail=""):
        tree, owner, field, index = self._copy()
        if index is None:
            setattr(owner, field, copy.deepcopy(new))
        else:
            getattr(owner, field)[index] = copy.deepcopy(new)
        return Mutation(tree, self.function or "module", detail)

    def remove(self, detail=""):
        """Removes a statement (a `pass` keeps a block that would be empty valid)."""
        tree, owner, field, index = self._copy()
        body = getattr(owner, field)
        del body[index]
        if not body and field != "decorator_list":
            body.append(ast.Pass())
        return Mutation(tree, self.function or "module", detail)


def sites(module, wanted):
    """Every node for which wanted(node) is true, in source order (depth first, fields in order)."""
    found = []

    def visit(node, path, function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and function is None:
            function = node.name
        for field, value in ast.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            for i, child in enumerate(items):
                if not isinstance(child, ast.AST):
                    continue
                here = path + [(field, i if isinstance(value, list) else None)]
                if wanted(child):
                    found.append(Site(module, here, child, function))
                visit(child, here, function)

    visit(module, [], None)
    return found


def is_name(node, name):
    return isinstance(node, ast.Name) and node.id == name


def is_session(node):
    return is_name(node, "session")


def is_request_cookies(node):
    return isinstance(node, ast.Attribute) and node.attr == "cookies" and is_name(node.value, "request")


def is_store(node):
    """Where a browser's values are read from: Flask's session or the request's cookies."""
    return is_session(node) or is_request_cookies(node)


def is_method_call(node, method, on=None):
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and (on is None or on(node.func.value))
    )


def is_store_get(node):
    return is_method_call(node, "get", is_store) and len(node.args) >= 1


def is_session_statement(method):
    return lambda n: isinstance(n, ast.Expr) and is_method_call(n.value, method, is_session)


def is_session_write(node):
    return isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript) and is_session(node.targets[0].value)


def is_secret_key_assignment(node):
    if not isinstance(node, ast.Assign) or len(node.targets) != 1:
        return False
    target = node.targets[0]
    if isinstance(target, ast.Attribute) and target.attr == "secret_key":
        return True
    return isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and target.slice.value == "SECRET_KEY"


def route_decorator(node):
    """An @app.route/@app.get/@app.post/... decorator call with a literal path."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("route", "get", "post", "put", "delete", "patch")
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def is_main_block(node):
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Compare)
        and is_name(node.test.left, "__name__")
        and len(node.test.comparators) == 1
        and isinstance(node.test.comparators[0], ast.Constant)
        and node.test.comparators[0].value == "__main__"
    )


def stored_key(node):
    """(key, role) when node names a key of the session or a cookie by a literal string, else None."""
    key = None
    role = None
    if isinstance(node, ast.Subscript) and is_store(node.value):
        key, role = node.slice, "write" if isinstance(node.ctx, ast.Store) else "read"
    elif is_store_get(node):
        key, role = node.args[0], "get"
    elif is_method_call(node, "set_cookie") and node.args:
        key, role = node.args[0], "set_cookie"
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value, role
    return None


def parse_snippet(text):
    return ast.parse(textwrap.dedent(text)).body


def after_imports(module):
    """Index in the module body just after the docstring and the imports at the top."""
    i = 0
    for i, stmt in enumerate(module.body):
        docstring = i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
        if not (docstring or isinstance(stmt, (ast.Import, ast.ImportFrom))):
            return i
    return len(module.body)


def ensure_import(module, name, from_flask=True):
    """Makes `name` importable in the module: added to `from flask import ...`, or `import name`."""
    for stmt in module.body:
        if from_flask and isinstance(stmt, ast.ImportFrom) and stmt.module == "flask":
            if not any(a.name == name for a in stmt.names):
                stmt.names.append(ast.alias(name=name))
            return
        if not from_flask and isinstance(stmt, ast.Import) and any(a.name == name for a in stmt.names):
            return
    new = ast.ImportFrom(module="flask", names=[ast.alias(name=name)], level=0) if from_flask else ast.Import(names=[ast.alias(name=name)])
    module.body.insert(after_imports(module), new)


def other_word(key):
    """The same key spelt another way, as a typo would: visits/visit, user/users."""
    return key[:-1] if key.endswith("s") and len(key) > 1 else key + "s"


# ---------------------------------------------------------------------------------------------
# The operators, in the order their mutants are listed

@operator("secret-key-removed", "I forgot to set app.secret_key.")
def secret_key_removed(module):
    for site in sites(module, is_secret_key_assignment):
        yield site.remove()


@operator("secret-key-under-main", 'I set the secret key only inside if __name__ == "__main__":, which flask run never runs.')
def secret_key_under_main(module):
    for site in sites(module, is_secret_key_assignment):
        if site.function is not None or len(site.path) != 1:
            continue
        mutation = site.remove()
        body = mutation.tree.body
        blocks = [s for s in body if is_main_block(s)]
        if blocks:
            blocks[-1].body.insert(0, copy.deepcopy(site.node))
        else:
            body.append(parse_snippet('if __name__ == "__main__":\n    pass\n')[0])
            body[-1].body = [copy.deepcopy(site.node)]
        yield mutation


@operator("secret-key-random", "I made the secret key with os.urandom(16), so it is a new one every time the app starts.")
def secret_key_random(module):
    for site in sites(module, is_secret_key_assignment):
        new = copy.deepcopy(site.node)
        new.value = parse_snippet("os.urandom(16)")[0].value
        mutation = site.replace(new)
        ensure_import(mutation.tree, "os", from_flask=False)
        yield mutation


@operator("secret-key-guessable", 'I used a word everybody knows, "dev", as my secret key.')
def secret_key_guessable(module):
    for site in sites(module, is_secret_key_assignment):
        new = copy.deepcopy(site.node)
        new.value = ast.Constant("dev")
        yield site.replace(new)


@operator("get-to-index", "I read the value with square brackets, which crashes when nothing was saved yet.")
def get_to_index(module):
    for site in sites(module, is_store_get):
        call = site.node
        yield site.replace(ast.Subscript(value=call.func.value, slice=call.args[0], ctx=ast.Load()), detail=key_detail(call))


def key_detail(call):
    key = call.args[0] if call.args else None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ""


def number_default(node):
    if not is_store_get(node) or len(node.args) < 2 or not isinstance(node.args[1], ast.Constant):
        return False
    value = node.args[1].value
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def constant(value):
    """A literal as the parser reads it: -1 is a minus applied to 1."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(-value))
    return ast.Constant(value)


def changed_default(site, value):
    call = copy.deepcopy(site.node)
    call.args[1] = constant(value)
    return site.replace(call, detail=key_detail(call))


@operator("default-plus-one", "I started from one too many: the default I read with get is one too big.")
def default_plus_one(module):
    for site in sites(module, number_default):
        yield changed_default(site, site.node.args[1].value + 1)


@operator("default-minus-one", "I started from one too few: the default I read with get is one too small.")
def default_minus_one(module):
    for site in sites(module, number_default):
        yield changed_default(site, site.node.args[1].value - 1)


@operator("default-changed", "I gave get another default than the one asked for.")
def default_changed(module):
    def text_default(node):
        return is_store_get(node) and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)

    for site in sites(module, text_default):
        yield changed_default(site, "default" if site.node.args[1].value != "default" else "other")


@operator("default-removed", "I forgot the default of get, so a new visitor gets None.")
def default_removed(module):
    for site in sites(module, lambda n: is_store_get(n) and len(n.args) >= 2):
        call = copy.deepcopy(site.node)
        del call.args[1:]
        yield site.replace(call, detail=key_detail(call))


@operator("session-write-removed", "I forgot to save the value in the session.")
def session_write_removed(module):
    for site in sites(module, is_session_write):
        key = site.node.targets[0].slice
        yield site.remove(detail=key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else "")


@operator("set-cookie-removed", "I forgot to call set_cookie.")
def set_cookie_removed(module):
    for site in sites(module, lambda n: isinstance(n, ast.Expr) and is_method_call(n.value, "set_cookie")):
        yield site.remove(detail=key_detail(site.node.value))


class ToName(ast.NodeTransformer):
    """Every use of `session` becomes the name `to`."""

    def __init__(self, to):
        self.to = to

    def visit_Name(self, node):
        return ast.copy_location(ast.Name(id=self.to, ctx=node.ctx), node) if node.id == "session" else node


@operator("session-global-dict", "I kept the values in a dict outside my functions, which every visitor shares.")
def session_global_dict(module):
    if not any(site.function for site in sites(module, is_session)):
        return
    tree = copy.deepcopy(module)
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            ToName("shared_data").visit(stmt)
    tree.body.insert(after_app(tree), parse_snippet("shared_data = {}")[0])
    yield Mutation(tree, "module")


def after_app(module):
    """Index just after `app = Flask(...)` and what configures it, or after the imports."""
    index = after_imports(module)
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) and is_name(stmt.value.func, "Flask"):
            index = i + 1
            while index < len(module.body) and is_secret_key_assignment(module.body[index]):
                index += 1
    return index


COOKIE_HELPER = '''
def with_cookies(page, changes):
    response = make_response(page)
    for name, value in changes.items():
        if value is None:
            response.delete_cookie(name)
        else:
            response.set_cookie(name, str(value))
    return response
'''


class SessionToCookies(ast.NodeTransformer):
    """Inside one view: reads from request.cookies, writes collected and set on every response returned."""

    def __init__(self, writes):
        self.writes = writes

    def visit_FunctionDef(self, node):
        return node  # a nested function is not this view

    def visit_Expr(self, node):
        if is_method_call(node.value, "pop", is_session) and node.value.args:
            return ast.copy_location(parse_snippet(f"cookie_changes[{ast.unparse(node.value.args[0])}] = None")[0], node)
        if is_method_call(node.value, "clear", is_session) and not node.value.args:
            return ast.copy_location(parse_snippet("cookie_changes.update(dict.fromkeys(request.cookies))")[0], node)
        return self.generic_visit(node)

    def visit_Subscript(self, node):
        if is_session(node.value) and isinstance(node.ctx, ast.Store):
            return ast.Subscript(value=ast.Name("cookie_changes", ast.Load()), slice=self.visit(node.slice), ctx=ast.Store())
        return self.generic_visit(node)

    def visit_Call(self, node):
        self.generic_visit(node)
        # A cookie holds text: a number read back needs int(), as a student's code would have.
        if is_store_get(node) and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and type(node.args[1].value) in (int, float):
            return ast.Call(func=ast.Name(type(node.args[1].value).__name__, ast.Load()), args=[node], keywords=[])
        return node

    def visit_Name(self, node):
        if node.id == "session" and isinstance(node.ctx, ast.Load):
            return parse_snippet("request.cookies")[0].value
        return node

    def visit_Return(self, node):
        self.generic_visit(node)
        if not self.writes or node.value is None:
            return node
        return ast.Return(value=ast.Call(func=ast.Name("with_cookies", ast.Load()), args=[node.value, ast.Name("cookie_changes", ast.Load())], keywords=[]))


@operator("session-plain-cookie", "I saved the values in plain cookies with set_cookie instead of the signed session.")
def session_plain_cookie(module):
    def uses_session(stmt):
        return isinstance(stmt, ast.FunctionDef) and any(is_session(n) for n in ast.walk(stmt))

    if not any(uses_session(s) for s in module.body):
        return
    tree = copy.deepcopy(module)
    any_writes = False
    for stmt in tree.body:
        if not uses_session(stmt):
            continue
        writes = any(is_session_write(n) or (isinstance(n, ast.Expr) and (is_method_call(n.value, "pop", is_session) or is_method_call(n.value, "clear", is_session))) for n in ast.walk(stmt))
        transformer = SessionToCookies(writes)
        stmt.body = [transformer.visit(s) for s in stmt.body]
        if writes:
            stmt.body.insert(0, parse_snippet("cookie_changes = {}")[0])
            any_writes = True
    ensure_import(tree, "request")
    if any_writes:
        ensure_import(tree, "make_response")
        tree.body.insert(after_app(tree), parse_snippet(COOKIE_HELPER)[0])
    yield Mutation(tree, "module")


@operator("key-renamed", "I spelt the key differently in one place (visit here, visits there).")
def key_renamed(module):
    keyed = sites(module, lambda n: stored_key(n) is not None)
    counts = {}
    for site in keyed:
        key = stored_key(site.node)[0]
        counts[key] = counts.get(key, 0) + 1
    for site in keyed:
        key, role = stored_key(site.node)
        if counts[key] < 2:
            continue  # a key used once cannot be renamed "in one place only"
        node = copy.deepcopy(site.node)
        if isinstance(node, ast.Subscript):
            node.slice = ast.Constant(other_word(key))
        else:
            node.args[0] = ast.Constant(other_word(key))
        yield site.replace(node, detail=f"{key}({role})")


def is_guard(node):
    """An `if` in a view that returns early, and does not only look at the request's method."""
    if not isinstance(node, ast.If) or node.orelse or not isinstance(node.body[-1], ast.Return):
        return False
    return not any(isinstance(n, ast.Attribute) and n.attr == "method" and is_name(n.value, "request") for n in ast.walk(node.test))


@operator("guard-removed", "I forgot the check that turns away a visitor who is not logged in.")
def guard_removed(module):
    for site in sites(module, is_guard):
        if site.function is not None:
            yield site.remove()


INVERSE = {ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}


def inverted(test):
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in INVERSE:
        return ast.Compare(left=test.left, ops=[INVERSE[type(test.ops[0])]()], comparators=test.comparators)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    return ast.UnaryOp(op=ast.Not(), operand=test)


@operator("guard-inverted", "I wrote the check the wrong way round (is None for is not None, in for not in).")
def guard_inverted(module):
    for site in sites(module, is_guard):
        if site.function is not None:
            node = copy.deepcopy(site.node)
            node.test = inverted(node.test)
            yield site.replace(node)


@operator("login-required-removed", "I forgot the @login_required decorator on a page that needs it.")
def login_required_removed(module):
    def decorator(node):
        target = node.func if isinstance(node, ast.Call) else node
        return (is_name(target, "login_required")) or (isinstance(target, ast.Attribute) and target.attr == "login_required")

    for site in sites(module, lambda n: isinstance(n, ast.FunctionDef) and any(decorator(d) for d in n.decorator_list)):
        node = copy.deepcopy(site.node)
        node.decorator_list = [d for d in node.decorator_list if not decorator(d)]
        yield Mutation(site.replace(node).tree, site.node.name)


@operator("pop-removed", "My logout does not take the value out of the session.")
def pop_removed(module):
    def pop_or_del(node):
        if is_session_statement("pop")(node):
            return True
        return isinstance(node, ast.Delete) and all(isinstance(t, ast.Subscript) and is_session(t.value) for t in node.targets)

    for site in sites(module, pop_or_del):
        yield site.remove()


@operator("clear-not-called", "I wrote session.clear without the brackets, so nothing is cleared.")
def clear_not_called(module):
    for site in sites(module, is_session_statement("clear")):
        yield site.replace(ast.Expr(value=site.node.value.func))


def is_session_key(node):
    store = node.value if isinstance(node, ast.Subscript) else getattr(getattr(node, "func", None), "value", None)
    return is_session(store) and stored_key(node) is not None


@operator("pops-wrong-key", "My logout takes the wrong key out of the session.")
def pops_wrong_key(module):
    keys = sorted({stored_key(s.node)[0] for s in sites(module, is_session_key)})
    for site in sites(module, lambda n: is_method_call(n, "pop", is_session) and n.args and isinstance(n.args[0], ast.Constant) and isinstance(n.args[0].value, str)):
        key = site.node.args[0].value
        others = [k for k in keys if k != key]
        wrong = others[0] if others else (key[:-4] if key.endswith("name") and len(key) > 4 else key + "name")
        call = copy.deepcopy(site.node)
        call.args[0] = ast.Constant(wrong)
        yield site.replace(call, detail=key)


@operator("redirect-to-page", "I showed a page instead of redirecting the browser.")
def redirect_to_page(module):
    views = {s.name for s in module.body if isinstance(s, ast.FunctionDef) and not s.args.args}
    for site in sites(module, lambda n: isinstance(n, ast.Call) and is_name(n.func, "redirect") and n.args):
        target = site.node.args[0]
        endpoint = target.args[0].value if isinstance(target, ast.Call) and is_name(target.func, "url_for") and target.args and isinstance(target.args[0], ast.Constant) else None
        if endpoint in views and endpoint != site.function:
            yield site.replace(ast.Call(func=ast.Name(endpoint, ast.Load()), args=[], keywords=[]), detail=endpoint)
        else:
            yield site.replace(ast.Constant("<p>Done.</p>"))


def explicit_status(node):
    """The literal status code node of `return page, 403`, abort(401), redirect(.., code=303), make_response(page, 201)."""
    if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) >= 2:
        code = node.value.elts[1]
    elif isinstance(node, ast.Call) and is_name(node.func, "abort") and node.args:
        code = node.args[0]
    elif isinstance(node, ast.Call) and (is_name(node.func, "redirect") or is_name(node.func, "make_response")):
        code = next((k.value for k in node.keywords if k.arg == "code"), node.args[1] if len(node.args) >= 2 else None)
    else:
        return None
    return code if isinstance(code, ast.Constant) and isinstance(code.value, int) and not isinstance(code.value, bool) else None


@operator("status-changed", "I answered with the wrong status code.")
def status_changed(module):
    for site in sites(module, lambda n: explicit_status(n) is not None):
        old = explicit_status(site.node).value
        new_code = 500 if old == 200 else 200
        node = copy.deepcopy(site.node)
        code = explicit_status(node)
        code.value = new_code
        yield site.replace(node, detail=f"{old}-{new_code}")


def blueprint_prefixes(module):
    """{name: url_prefix} of the blueprints this module makes with a literal url_prefix
    (`bp = Blueprint("auth", __name__, url_prefix="/auth")`)."""
    found = {}
    for stmt in module.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call)):
            continue
        func = stmt.value.func
        if not (is_name(func, "Blueprint") or (isinstance(func, ast.Attribute) and func.attr == "Blueprint")):
            continue
        for k in stmt.value.keywords:
            if k.arg == "url_prefix" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str):
                found[stmt.targets[0].id] = k.value.value
    return found


def with_prefix(prefix, rule):
    """The rule as Flask registers a blueprint's: its url_prefix joined on by one slash."""
    return "/".join((prefix.rstrip("/"), rule.lstrip("/"))) if rule else prefix


def routes(module):
    """Each view function's routes: {function: [{"rule", "methods"}]}, a blueprint's with its url_prefix."""
    found = {}
    prefixes = blueprint_prefixes(module)
    for stmt in module.body:
        if not isinstance(stmt, ast.FunctionDef):
            continue
        for d in stmt.decorator_list:
            if route_decorator(d):
                methods = ["GET"] if d.func.attr in ("route", "get") else [d.func.attr.upper()]
                for k in d.keywords:
                    if k.arg == "methods" and isinstance(k.value, (ast.List, ast.Tuple)):
                        methods = [e.value.upper() for e in k.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                rule = d.args[0].value
                owner = d.func.value.id if isinstance(d.func.value, ast.Name) else None
                if owner in prefixes:
                    rule = with_prefix(prefixes[owner], rule)
                found.setdefault(stmt.name, []).append({"rule": rule, "methods": methods})
    return found


def in_decorators(module, wanted):
    """Decorators of top-level functions for which wanted(decorator) is true, as sites of that function.

    (Not sites(): route_decorator alone would also match session.get("key") anywhere.)
    """
    out = []
    for stmt in module.body:
        if isinstance(stmt, ast.FunctionDef):
            for i, d in enumerate(stmt.decorator_list):
                if wanted(d):
                    out.append(Site(module, [("body", module.body.index(stmt)), ("decorator_list", i)], d, stmt.name))
    return out


@operator("route-path-changed", "I wrote another address in @app.route (a capital letter, another name).")
def route_path_changed(module):
    for site in in_decorators(module, route_decorator):
        rule = site.node.args[0].value
        new_rule = "/home" if rule == "/" else re.sub(r"^/(\w)", lambda m: "/" + m.group(1).upper(), rule)
        node = copy.deepcopy(site.node)
        node.args[0] = ast.Constant(new_rule)
        yield site.replace(node, detail=rule)


@operator("methods-changed", "My route accepts the wrong methods (GET only where a form is sent with POST, or POST only).")
def methods_changed(module):
    for site in in_decorators(module, lambda d: route_decorator(d) and d.func.attr == "route"):
        node = copy.deepcopy(site.node)
        if any(k.arg == "methods" for k in node.keywords):
            node.keywords = [k for k in node.keywords if k.arg != "methods"]
        else:
            node.keywords.append(ast.keyword(arg="methods", value=parse_snippet('["POST"]')[0].value))
        yield site.replace(node, detail=site.node.args[0].value)


@operator("max-age-removed", "I forgot max_age on set_cookie, so the cookie is gone when the browser closes.")
def max_age_removed(module):
    for site in sites(module, lambda n: is_method_call(n, "set_cookie") and any(k.arg in ("max_age", "expires") for k in n.keywords)):
        node = copy.deepcopy(site.node)
        node.keywords = [k for k in node.keywords if k.arg not in ("max_age", "expires")]
        yield site.replace(node, detail=key_detail(node))


@operator("cookie-not-returned", "I set the cookie on a response that my view never returns.")
def cookie_not_returned(module):
    for site in sites(module, lambda n: is_method_call(n, "set_cookie") and isinstance(n.func.value, ast.Name)):
        node = copy.deepcopy(site.node)
        node.func.value = parse_snippet("make_response()")[0].value
        mutation = site.replace(node, detail=key_detail(node))
        ensure_import(mutation.tree, "make_response")
        yield mutation


# ---------------------------------------------------------------------------------------------
# Writing a mutant: the solution's own text, with only the changed statements rewritten

def header(node):
    """A compound statement without its blocks, for comparing what sits above them."""
    clone = copy.copy(node)
    for field in ("body", "orelse", "finalbody", "handlers"):
        if hasattr(clone, field):
            setattr(clone, field, [])
    return ast.dump(clone)


BLOCKS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.While, ast.With, ast.Try)


def first_line(stmt):
    decorators = getattr(stmt, "decorator_list", [])
    return min([stmt.lineno] + [d.lineno for d in decorators])


def align_key(stmt):
    """What pairs a statement of the solution with its mutated self: a function by its name, a block by its kind."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return f"{type(stmt).__name__} {stmt.name}"
    return type(stmt).__name__ if isinstance(stmt, BLOCKS) else ast.dump(stmt)


def splice(lines, old, new, edits, indent):
    """Records (start, end, text) edits turning the statements `old` into `new`; lines are 1-based."""
    def rewrite(i1, i2, j1, j2):
        spacing = "\n\n" if indent == "" else ""  # PEP 8's two blank lines around a new top-level block
        text = "".join(
            (spacing if isinstance(s, BLOCKS) else "") + textwrap.indent(ast.unparse(s), indent) + "\n"
            for s in new[j1:j2]
        )
        if i1 < i2:
            edits.append((first_line(old[i1]), old[i2 - 1].end_lineno, text))
        else:
            at = old[i1 - 1].end_lineno + 1 if i1 > 0 else (first_line(old[0]) if old else 1)
            edits.append((at, at - 1, text))

    a = [align_key(s) for s in old]
    b = [align_key(s) for s in new]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            rewrite(i1, i2, j1, j2)
            continue
        for k in range(i2 - i1):
            before, after = old[i1 + k], new[j1 + k]
            if ast.dump(before) == ast.dump(after):
                continue
            if same_block(before, after):
                splice_block(lines, before, after, edits)
            else:
                rewrite(i1 + k, i1 + k + 1, j1 + k, j1 + k + 1)


def same_block(a, b):
    return type(a) is type(b) and isinstance(a, BLOCKS) and len(a.body) > 0 and len(b.body) > 0 and a.body[0].lineno > a.lineno


def splice_block(lines, old, new, edits):
    """Rewrites a compound statement's header when it changed, and recurses into its blocks."""
    if header(old) != header(new):
        shell = copy.copy(new)
        shell.body = [ast.Pass()]
        for field in ("orelse", "finalbody", "handlers"):
            if hasattr(shell, field):
                setattr(shell, field, [])
        text = ast.unparse(shell).rsplit("\n", 1)[0]  # without the `pass`
        edits.append((first_line(old), first_line(old.body[0]) - 1, textwrap.indent(text, " " * old.col_offset) + "\n"))
    splice(lines, old.body, new.body, edits, " " * old.body[0].col_offset)
    for field in ("orelse", "finalbody", "handlers"):
        before, after = getattr(old, field, []), getattr(new, field, [])
        if ast.dump(ast.Module(before, [])) == ast.dump(ast.Module(after, [])):
            continue
        if field == "handlers" or not before or not after:
            raise ValueError("a changed else, finally or except block is written whole")
        splice(lines, before, after, edits, " " * before[0].col_offset)


def mutant_text(source, original, mutated):
    """The solution's text with only the changed statements rewritten; whole-file unparse if that fails."""
    lines = source.splitlines(keepends=True)
    edits = []
    try:
        splice(lines, original.body, mutated.body, edits, "")
        out = list(lines)
        for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            out[start - 1:end] = [text]
        text = "".join(out)
        if ast.dump(ast.parse(text)) == ast.dump(mutated):
            return text
    except (ValueError, SyntaxError, IndexError):
        pass
    return ast.unparse(mutated) + "\n"


def unified_diff(source, text, file):
    return "".join(difflib.unified_diff(source.splitlines(keepends=True), text.splitlines(keepends=True), f"solution/{file}", f"mutant/{file}", n=2))


# ---------------------------------------------------------------------------------------------
# The quiz: answers.yaml, one mutant per other option of each question

QUIZ_SAYS = "I picked another option for this question."
ANSWER_LINE = re.compile(r"^(?P<id>[A-Za-z0-9_-]+)(?P<sep>\s*:\s*)(?P<answer>[^#\s](?:[^#]*[^#\s])?)(?P<rest>\s*(?:#.*)?)$")


def quiz_mutants(source, questions):
    """questions: {id: [option texts]}. Each answer changed to each other option, by its letter."""
    lines = source.splitlines(keepends=True)
    for i, line in enumerate(lines):
        m = ANSWER_LINE.match(line.rstrip("\n"))
        if not m or m.group("id") not in questions:
            continue
        options = questions[m.group("id")]
        letters = [chr(ord("a") + k) for k in range(len(options))]
        answer = m.group("answer").strip().strip("\"'").lower()
        chosen = next((letters[k] for k, text in enumerate(options) if answer in (letters[k], text.strip().lower())), None)
        for letter in letters:
            if letter == chosen:
                continue
            changed = list(lines)
            changed[i] = f"{m.group('id')}{m.group('sep')}{letter}{m.group('rest')}" + ("\n" if line.endswith("\n") else "")
            yield m.group("id"), letter, "".join(changed)


# ---------------------------------------------------------------------------------------------

def app_mutants(source, file):
    module = ast.parse(source, filename=file)
    views = routes(module)
    seen = {source}
    out = []
    ids = set()
    for op in OPERATORS:
        for mutation in op.make(module):
            ast.fix_missing_locations(mutation.tree)
            text = mutant_text(source, module, mutation.tree)
            if text in seen:
                continue  # the same app as the solution or as an earlier mutant
            seen.add(text)
            base = f"{op.name}/{mutation.where}" + (f":{mutation.detail}" if mutation.detail else "")
            mutant_id, n = base, 1
            while mutant_id in ids:
                n += 1
                mutant_id = f"{base}#{n}"
            ids.add(mutant_id)
            out.append({
                "id": mutant_id,
                "operator": op.name,
                "says": op.says,
                "where": mutation.where,
                # The routes whose code changed; null: the change is at module level (every route).
                "routes": views.get(mutation.where) if mutation.where != "module" else None,
                "source": text,
                "diff": unified_diff(source, text, file),
            })
    return out


def package_files(solution, package):
    """The package's .py files, relative to the solution, in a fixed order (sorted paths)."""
    found = []
    for folder, subfolders, names in os.walk(os.path.join(solution, package)):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__" and not d.startswith("."))
        found += [os.path.relpath(os.path.join(folder, n), solution).replace(os.sep, "/") for n in names if n.endswith(".py")]
    return sorted(found)


def package_mutants(solution, package):
    """Every module of the package mutated on its own; ids carry the file, so two modules' alike
    mistakes (a login view in each) stay apart."""
    out = []
    for file in package_files(solution, package):
        try:
            with open(os.path.join(solution, file), encoding="utf-8") as f:
                source = f.read()
        except OSError as error:
            sys.exit(f"cannot read the solution's {file}: {error.strerror}")
        try:
            made = app_mutants(source, file)
        except SyntaxError as error:
            sys.exit(f"the solution's {file} is not valid Python (line {error.lineno}): {error.msg}")
        out += [dict(m, id=f"{file}:{m['id']}", file=file) for m in made]
    if not out and not package_files(solution, package):
        sys.exit(f"the solution's package {package} has no .py file")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("solution", nargs="?")
    parser.add_argument("--list", action="store_true", help="print the operators (name and mistake) and stop")
    parser.add_argument("--entry", default="app.py")
    parser.add_argument("--quiz", help="JSON {question id: [options]}: mutate answers.yaml instead of the app")
    args = parser.parse_args()
    if args.list:
        quiz = {"name": "answer-changed", "says": QUIZ_SAYS}
        json.dump([{"name": op.name, "says": op.says} for op in OPERATORS] + [quiz], sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    if args.solution is None:
        parser.error("the solution folder is required")
    file = "answers.yaml" if args.quiz else args.entry
    if not args.quiz and os.path.isdir(os.path.join(args.solution, file)):
        mutants = package_mutants(args.solution, file)
        json.dump({"file": file, "mutants": mutants}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    try:
        with open(f"{args.solution}/{file}", encoding="utf-8") as f:
            source = f.read()
    except OSError as error:
        sys.exit(f"cannot read the solution's {file}: {error.strerror}")
    if args.quiz:
        mutants = [
            {"id": f"answer-changed/{qid}:{letter}", "operator": "answer-changed", "says": QUIZ_SAYS,
             "where": qid, "routes": None, "source": text, "diff": unified_diff(source, text, file)}
            for qid, letter, text in quiz_mutants(source, json.loads(args.quiz))
        ]
    else:
        try:
            mutants = [dict(m, file=file) for m in app_mutants(source, file)]
        except SyntaxError as error:
            sys.exit(f"the solution's {file} is not valid Python (line {error.lineno}): {error.msg}")
    json.dump({"file": file, "mutants": mutants}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
