"""Starts one student's Flask app for the grader.

Usage: python runner.py ENTRY [--app ATTRIBUTE] [--listen tcp | --listen unix:/abs/path.sock]
(ENTRY: a .py file or a package folder; ATTRIBUTE: `app`, `create_app()`, as `flask --app` takes)

Talks to the grader over a private channel: the stdout it was started with. With an isolation
config (AUTOGRADER_SANDBOX, see sandbox.py) the app is isolated before any student code runs. Before any student
code runs, that descriptor is duplicated and fd 1 is pointed at stderr, so a student's print()
lands in the captured output and can never look like a message from this runner. Each message
is one line of JSON with an "event": ready, problem, scan, exception, routes, endpoint, note, or fatal (the grader's
environment cannot run any app, e.g. Flask is not installed: not the student's fault).
"""

import os
import sys

# os and sys are built in (or frozen): nothing on sys.path can stand in for them. Before anything
# else is imported, drop every entry a submission could control: '' and relative entries (they
# mean the working folder, which is the submission's on some launchers), and the grader's own
# folder (a student's runner.py or sandbox.py must not be taken for ours, nor ours for theirs).
HERE = os.path.dirname(os.path.abspath(__file__))


def grader_path(paths, *submission):
    """`paths` without '', relative entries, the grader's folder and anything inside `submission`."""
    banned = [os.path.realpath(p) for p in submission]

    def allowed(p):
        if not p or not os.path.isabs(p):
            return False
        real = os.path.realpath(p)
        return real != HERE and not any(real == b or real.startswith(b.rstrip(os.sep) + os.sep) for b in banned)

    return [p for p in paths if allowed(p)]


sys.path[:] = grader_path(sys.path, os.getcwd())

import json  # noqa: E402  (after the path is cleaned, like every import below)
import select  # noqa: E402
import signal  # noqa: E402
import traceback  # noqa: E402

CHANNEL = None
# Set by the zygote in a warm child before main(): the descriptor of its line to the zygote, which
# maps the ids of the child's user namespace (see sandbox.ParentMaps). None on the cold path.
PARENT_MAPS_FD = None


def open_channel(fd):
    """Use `fd` as the private channel and point fd 1 at stderr, before any student code runs."""
    global CHANNEL
    CHANNEL = os.fdopen(fd, "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr


def send(event, **fields):
    try:
        CHANNEL.write(json.dumps({"event": event, **fields}) + "\n")
        CHANNEL.flush()
    except (OSError, ValueError):
        os._exit(3)  # the grader is gone


def set_death_signal(sig):
    """Linux PR_SET_PDEATHSIG: get `sig` when the parent dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(sig))
    except Exception:
        pass


def die_with_parent():
    """Be killed when the grader dies, even by SIGKILL, so no app outlives it."""
    set_death_signal(signal.SIGKILL)
    expected = os.environ.get("AUTOGRADER_PARENT_PID")
    if expected and os.getppid() != int(expected):
        os._exit(3)  # the grader died before prctl took effect


def guard_group(close_fds=()):
    """Fork a watchdog, before any student code runs, that kills the whole process group once
    the runner is gone. The death signal only reaches the runner: without this, processes the
    app started (subprocess.Popen, os.system(... &)) would outlive a SIGKILLed grader.
    Needed only when the app runs without namespaces: an isolated app is pid 1 of its own pid
    namespace, killed through death signals with the runner, and the kernel kills whatever it
    started with it. `close_fds`: descriptors the watchdog must not hold (the listening socket:
    held open, a dead app's socket would queue connections instead of refusing them)."""
    runner = os.getpid()
    if os.fork():
        return
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)  # hold no pipe of the grader's open
        for fd in (CHANNEL.fileno(), *close_fds):
            os.close(fd)

        def kill_group(*_):
            os.killpg(0, signal.SIGKILL)

        signal.signal(signal.SIGTERM, kill_group)
        set_death_signal(signal.SIGTERM)
        # The death signal is not always delivered: the kernel checks it against the dying
        # runner's credentials, and without isolation a root runner becomes the unprivileged app
        # (this watchdog stays root). So also look for the runner's end: reparenting.
        while os.getppid() == runner:
            select.select([], [], [], 0.5)
        kill_group()
    finally:
        os._exit(0)


def student_frame(tb, root):
    """The innermost traceback frame inside the submission folder, as (relative file, line)."""
    found = None
    for frame in traceback.extract_tb(tb):
        path = os.path.abspath(frame.filename)
        if path.startswith(root + os.sep):
            found = (os.path.relpath(path, root), frame.lineno)
    return found


def describe(exc, root):
    summary = traceback.format_exception_only(type(exc), exc)[-1].strip()
    info = {"type": type(exc).__name__, "message": str(exc), "summary": summary}
    where = student_frame(exc.__traceback__, root)
    if where:
        info["file"], info["line"] = where
    return info


def neutralise_run(notes):
    """app.run() must neither block nor start the reloader (which forks a grandchild)."""
    import flask
    import werkzeug.serving

    def run(self, *args, **kwargs):
        notes.add("app-run-called")

    flask.Flask.run = run
    werkzeug.serving.run_simple = lambda *args, **kwargs: notes.add("app-run-called")


def import_entry(entry, root):
    """Import the student's file by path, under its own name and not as __main__; a folder (its
    __init__.py) is imported as a package of that name, so its relative imports work."""
    import importlib.util

    if os.path.isdir(entry):
        name = os.path.basename(entry)
        init = os.path.join(entry, "__init__.py")
        spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[entry])
    else:
        name = os.path.splitext(os.path.basename(entry))[0]
        spec = importlib.util.spec_from_file_location(name, entry)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        file = os.path.relpath(os.path.abspath(exc.filename or entry), root)
        send("problem", kind="syntax", message=f"{type(exc).__name__}: {exc.msg}",
             file=file, line=exc.lineno or 0, column=exc.offset or 0, text=(exc.text or "").rstrip())
        sys.exit(0)
    except ModuleNotFoundError as exc:
        own = exc.name and os.path.exists(os.path.join(root, exc.name.split(".")[0] + ".py"))
        send("problem", kind="missing-module", module=exc.name or "", own=bool(own), **describe(exc, root))
        sys.exit(0)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt at import are crashes too
        send("problem", kind="import-crash", **describe(exc, root))
        sys.exit(0)
    return module


def find_app(module, attribute=None):
    """Flask's own search (`flask --app`): the named attribute or factory call, else the best guess."""
    from flask.cli import NoAppException, find_app_by_string, find_best_app

    try:
        return find_app_by_string(module, attribute) if attribute else find_best_app(module)
    except NoAppException as exc:
        send("problem", kind="no-app", message=str(exc))
    except BaseException as exc:  # a factory that crashes
        send("problem", kind="import-crash", **describe(exc, os.getcwd()))
    sys.exit(0)


def report_request_exceptions(app, root):
    """Tell the grader which exception a request raised, tagged with the grader's request id."""
    from flask import got_request_exception, request

    def on_exception(sender, exception, **extra):
        send("exception", request=request.headers.get("X-Autograder-Request", ""), **describe(exception, root))

    got_request_exception.connect(on_exception, app, weak=False)


def report_routes_and_endpoints(app, root):
    """Tell the grader the app's routes (once), and which view answered each request, tagged with
    the grader's request id: hints can then name a missing route and point a failed check at the
    view function that answered (its file and first line, when it is in the submission)."""
    import inspect

    from flask import request, request_finished
    from flask.sessions import SecureCookieSessionInterface

    routes = [
        {"rule": rule.rule, "endpoint": rule.endpoint, "methods": sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})}
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    ]
    send("routes", routes=routes[:100])

    # What a view function says about itself, worked out once per function rather than per request.
    views = {}

    def view_facts(endpoint):
        wrapped = app.view_functions[endpoint]
        known = views.get(endpoint)
        if known is not None and known[0] is wrapped:
            return known[1]
        view = inspect.unwrap(wrapped)  # through functools.wraps decorators
        code = getattr(view, "__code__", None)
        path = os.path.abspath(code.co_filename) if code else ""
        where = {"file": os.path.relpath(path, root), "line": code.co_firstlineno} if path.startswith(root + os.sep) else {}
        facts = {"function": str(getattr(view, "__name__", "")), **where}
        views[endpoint] = (wrapped, facts)
        return facts

    def flask_session():
        # Flask's own signed cookie and one key: a cookie signed with any other key is refused the
        # same way, whatever that key (a guessKeys step then sends one wrong key for all of them).
        plain = type(app.session_interface) is SecureCookieSessionInterface
        return {"session": "flask"} if plain and not app.config.get("SECRET_KEY_FALLBACKS") else {}

    def on_finished(sender, response, **extra):
        try:  # never let the report break the student's response
            endpoint = request.endpoint
            facts = view_facts(endpoint)
            session = flask_session()
        except Exception:
            return
        send("endpoint", request=request.headers.get("X-Autograder-Request", ""), endpoint=str(endpoint),
             **facts, **session, **state_writes(request.environ))

    request_finished.connect(on_finished, app, weak=False)


def load_private(filename):
    """A module of the grader's from this folder, loaded afresh under a name no student module can
    take (and not in sys.modules, so a student's own module of that name is imported as theirs).
    Raises when it cannot be loaded."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_autograder_" + filename[:-3], os.path.join(HERE, filename))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_sandbox():
    """graders/boot/sandbox.py (load_private)."""
    return load_private("sandbox.py")


def use_channel(fd):
    """In a setup step's own process (setupSteps.py): report on `fd`, never on the grader's channel."""
    global CHANNEL
    previous, CHANNEL = CHANNEL, os.fdopen(fd, "w", buffering=1, encoding="utf-8")
    try:
        previous.close()
    except (OSError, ValueError):
        pass


def load_setup_steps():
    """graders/boot/setupSteps.py (load_private), loaded before isolation hides this folder."""
    return load_private("setupSteps.py")


HELPERS = {}


def load_helper(filename):
    """A helper module of the grader's (sourceScan.py, stateWrites.py, keptAlive.py), load_private()'s
    way; loaded once per process (the zygote loads them before it forks). None
    when it cannot be loaded: the app is still graded, with plainer hints."""
    if filename not in HELPERS:
        try:
            module = load_private(filename)
        except Exception:
            module = None
        HELPERS[filename] = module
    return HELPERS[filename]


def scan_source(entry, root):
    """The source scan (sourceScan.py), before any student code runs: its event is the first of
    its kind, the only one the grader believes. Exits when blanks are left to fill in."""
    scanner = load_helper("sourceScan.py")
    if scanner is None:
        send("scan")
    elif scanner.report(entry, root, send):
        sys.exit(0)
    writes = load_helper("stateWrites.py")
    if writes is not None:
        writes.watch(root)


def state_writes(environ):
    """The student's session and cookie writes during one request (stateWrites.py)."""
    writes = HELPERS.get("stateWrites.py")
    try:  # never let the report break the student's response
        return {"writes": writes.of(environ)} if writes is not None else {}
    except Exception:
        return {}


def sandbox_from_environment():
    """The cold path's isolation settings: JSON in AUTOGRADER_SANDBOX, removed once read."""
    text = os.environ.pop("AUTOGRADER_SANDBOX", None)
    return json.loads(text) if text else None


def import_grader_modules(isolating):
    """Everything the runner and (when `isolating`) the sandbox use, imported while nothing of the
    submission is importable: once in sys.modules, a submission's flask.py or resource.py is never
    looked at. Returns the sandbox module or None; sends "fatal" and exits when Flask is missing."""
    try:
        import flask  # noqa: F401
        import flask.cli  # noqa: F401  find_app
        import werkzeug.serving  # noqa: F401
    except ImportError as exc:
        send("fatal", message=f"Flask is not installed for the Python at {sys.executable} ({exc}).")
        sys.exit(0)
    import importlib.util  # noqa: F401  import_entry
    import logging  # noqa: F401
    import socket  # noqa: F401

    if not isolating:
        return None
    try:
        return load_sandbox()  # ctypes, errno, resource, select, stat, struct
    except Exception as exc:  # the grader's installation, not the student
        send("fatal", message=f"The app could not be isolated on this machine: cannot load sandbox.py ({exc}).")
        sys.exit(0)


def bind_listener(listen):
    """The Unix socket the app is reached on, bound before isolation in a folder the isolated app
    cannot see (the app only inherits the listening descriptor); None for "tcp"."""
    if not listen.startswith("unix:"):
        return None
    import socket

    path = listen[len("unix:"):]
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    return listener


def take_parent_maps(sandbox_module):
    """A warm child's line to the zygote for its user namespace's ids (sandbox.ParentMaps), or
    None; closed at once when there is no isolation to use it for: no student code may hold it."""
    global PARENT_MAPS_FD
    fd, PARENT_MAPS_FD = PARENT_MAPS_FD, None
    if fd is None:
        return None
    if sandbox_module is None:
        os.close(fd)
        return None
    return sandbox_module.ParentMaps(fd)


def enter_sandbox(sandbox_module, config, listener, guard, parent_maps=None):
    """Isolate (see sandbox.py) and report how; exits with "fatal" when mode "required" fails.
    `guard()` runs when the app is to run without namespaces, before it does (the watchdog)."""
    try:
        outcome = sandbox_module.enter(
            config,
            send,
            keep_fds=(CHANNEL.fileno(),),
            server_fds=(listener.fileno(),) if listener else (),
            unisolated=guard,
            parent_maps=parent_maps,
        )
    except Exception as exc:  # only with mode "required": the grader's machine, not the student
        send("fatal", message=f"The app could not be isolated on this machine: {exc}")
        sys.exit(0)
    send("sandbox", **outcome)


def serve(entry, listen, sandbox=None, attribute=None, setup=None, guard=None):
    """Import the student's app and serve it; every outcome is reported on the channel.
    `listen` is "tcp" (a loopback port the OS picks) or "unix:/abs/path" (a socket file).
    `sandbox` is the isolation config (see sandbox.py; default: AUTOGRADER_SANDBOX, else none).
    `entry` is a .py file or a package folder; `attribute` what to take from it (`create_app()`).
    `setup`: the spec's setup steps ({"steps": [...], "seconds": N}, see setupSteps.py), run
    after isolation and before the app is imported.
    `guard(close_fds)` forks the watchdog (guard_group) when the app will run without namespaces.

    The order is the defence: (1) the grader's modules are imported while neither the submission
    nor the working folder is on sys.path, (2) the sandbox is entered, (3) only then does the
    submission's folder become the working folder and the first entry of sys.path."""
    entry = os.path.abspath(entry)
    root = os.path.dirname(entry)
    sys.path[:] = grader_path(sys.path, root, os.getcwd())
    config = sandbox if sandbox is not None else sandbox_from_environment()
    sandbox_module = import_grader_modules(isolating=config is not None)
    parent_maps = take_parent_maps(sandbox_module)
    load_helper("sourceScan.py")
    load_helper("stateWrites.py")
    load_helper("keptAlive.py")
    setup_steps = load_setup_steps() if setup else None
    notes = set()
    neutralise_run(notes)
    listener = bind_listener(listen)
    held = (listener.fileno(),) if listener else ()
    unisolated = (lambda: guard(held)) if guard else None
    if config is not None:
        enter_sandbox(sandbox_module, config, listener, unisolated, parent_maps)
    elif unisolated:
        unisolated()

    os.chdir(root)
    sys.path.insert(0, root)
    sys.argv = [entry]
    import logging

    from werkzeug.serving import make_server

    scan_source(entry, root)
    version_known = known_werkzeug_version()
    if setup_steps is not None:
        setup_steps.run(setup, root, lambda: find_app(import_entry(entry, root), attribute), send, use_channel, describe)
    module = import_entry(entry, root)
    app = find_app(module, attribute)
    report_routes_and_endpoints(app, root)
    app.debug = False  # the debugger page would hide the error from the grader and the student
    report_request_exceptions(app, root)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log: only the app's output

    kept_alive = load_helper("keptAlive.py")
    handler = kept_alive.KeptAliveHandler if kept_alive is not None else None  # None: werkzeug's own
    with version_known:
        if listener is not None:
            path = listen[len("unix:"):]
            server = make_server("unix://" + path, 0, app, threaded=True, fd=listener.fileno(), request_handler=handler)
            address = {"socket": path}
        else:
            server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler)
            address = {"port": server.server_port}

    # Over the process or the memory limit a request's thread cannot start: rather than drop the
    # connection, answer it in the server's own thread (one request at a time).
    threaded = server.process_request

    def process_request(request, client_address):
        try:
            threaded(request, client_address)
        except RuntimeError:
            server.process_request_thread(request, client_address)

    server.process_request = process_request
    for note in sorted(notes):
        send("note", kind=note)
    send("ready", **address)
    server.serve_forever()


WERKZEUG_VERSION = None


def werkzeug_version():
    """Werkzeug's version, read from its installed metadata once per process: the zygote reads it
    before it forks, so that no child reads it again."""
    global WERKZEUG_VERSION
    if WERKZEUG_VERSION is None:
        import importlib.metadata

        WERKZEUG_VERSION = importlib.metadata.version("werkzeug")
    return WERKZEUG_VERSION


class known_werkzeug_version:
    """For werkzeug's making of the app's server: every server it makes reads werkzeug's version
    for its Server header from the package metadata (a scan of sys.path and an email-style
    parse, ~2 ms of each boot). Made before the student's code runs (the version is read then,
    once per process: in the zygote for a warm child), entered around make_server, where it tells
    werkzeug that version; anything else asked is asked as usual, and on leaving the app's own
    lookup (whatever its code put there) is back."""

    def __init__(self):
        try:
            self.known = werkzeug_version()
        except Exception:
            self.known = None  # no metadata (a vendored werkzeug): werkzeug's own call decides

    def __enter__(self):
        import importlib.metadata

        self.lookup = original = importlib.metadata.version
        known = self.known
        if known is not None:
            importlib.metadata.version = lambda name: known if name == "werkzeug" else original(name)
        return self

    def __exit__(self, *_):
        import importlib.metadata

        importlib.metadata.version = self.lookup
        return False


_PARSER = None


def argument_parser():
    """The command line's parser, built once: the zygote builds it before it forks, so that a warm
    child only parses (building it dirtied ~250 pages of memory per forked child)."""
    global _PARSER
    if _PARSER is None:
        import argparse

        _PARSER = argparse.ArgumentParser(description="Serve one student's Flask app for the grader.")
        _PARSER.add_argument("entry")
        _PARSER.add_argument("--listen", default="tcp")
        _PARSER.add_argument("--app", default=None)
        _PARSER.add_argument("--setup", default=None, help="setup steps as JSON (see setupSteps.py)")
    return _PARSER


def main():
    """The cold path: a fresh interpreter per app, its channel the stdout it was started with."""
    open_channel(os.dup(1))
    args = argument_parser().parse_args()
    die_with_parent()
    serve(args.entry, args.listen, attribute=args.app, setup=json.loads(args.setup) if args.setup else None, guard=guard_group)


if __name__ == "__main__":
    main()
