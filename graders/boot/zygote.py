"""A warm fork server for the grader: one Python that has already imported Flask and runner.py,
and forks a child per submission, so that no submission pays for an interpreter start.

Usage: python zygote.py SOCKET_PATH

The grader (warm.ts) starts it, listens on the Unix socket SOCKET_PATH (in a folder only the
grader's user can enter), and talks to it over the zygote's stdin/stdout, one JSON object a line.

  grader -> zygote  {"op": "spawn", "id": 7, "nonce": "<random>", "argv": [...], "env": {...}, "cwd": "/dir"}
                    (argv and env: what a cold runner.py would be started with)
  zygote -> grader  {"event": "zygote-ready", "pid": 123}            once, when warm
                    {"event": "spawned", "id": 7, "pid": 456}          the child exists
                    {"event": "spawn-failed", "id": 7, "message": "..."}
                    {"event": "exited", "id": 7, "code": 0} or {..., "signal": "SIGKILL"}

For each spawn the zygote connects twice to SOCKET_PATH, BEFORE it forks: once for the child's
private channel and once for its output (stdout and stderr), each connection starting with the
line "<nonce> channel" or "<nonce> output" so that the grader knows whose it is. The nonce is
fresh per child and used once: a child cannot claim another child's channel, not even one that
is spawned later (the nonce did not exist when it was forked). The child keeps those two sockets
and nothing else of the zygote's (every other descriptor is closed), so one student cannot write
to another's channel or read the zygote's requests.

The child then follows the cold path's rules (runner.main() with the channel on fd 1, exactly as a
cold runner is started): its own session and process group (setsid), killed when the zygote dies
(PR_SET_PDEATHSIG; the zygote itself dies with the grader), a watchdog that kills its group (for an
app without namespaces; an isolated one is pid 1 of its own pid namespace), and
runner.serve() for the rest, so whatever runner.py does before student code runs (isolation, for
example) happens in forked children too.
"""

import gc

# The cyclic collector stays off while the zygote imports Flask and warms up (Python's advice for
# a process that forks without exec): its passes there find next to nothing to free, and cost
# time before the zygote is ready, the one wait every run pays. It is back on before any fork.
gc.disable()

import json  # noqa: E402
import os  # noqa: E402
import selectors  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402

BOOT_DIR = os.path.dirname(os.path.abspath(__file__))
if BOOT_DIR not in sys.path:
    sys.path.insert(0, BOOT_DIR)  # where a cold runner.py finds its neighbours, too

import runner  # noqa: E402  (no side effects on import)

ZYGOTE_PID = os.getpid()
CONTROL_OUT = 1


def warm_up():
    """Import now what every child would import, so that children start with it in memory."""
    build_parser = getattr(runner, "argument_parser", None)
    if build_parser is not None:
        build_parser().parse_args(["app.py"])  # runner.main(), parsing in every child
    import ctypes  # noqa: F401  runner.set_death_signal
    import importlib.util  # noqa: F401  runner.import_entry
    import logging  # noqa: F401
    import traceback  # noqa: F401

    import flask  # noqa: F401
    import flask.cli  # noqa: F401  find_best_app
    import flask.sessions  # noqa: F401
    import jinja2  # noqa: F401
    import werkzeug.serving  # noqa: F401

    # What students' apps commonly import besides Flask.
    for name in ("secrets", "datetime", "functools", "hashlib", "hmac", "random", "uuid", "time", "re", "html"):
        try:
            __import__(name)
        except ImportError:
            pass

    # Lazy parts of Flask and Werkzeug are imported by the first app, route and request: let a
    # throwaway app do that here, once, instead of in every child.
    from flask import Flask, render_template_string, session

    app = Flask("autograder_warm_up")
    app.secret_key = "warm-up"

    @app.route("/", methods=["GET", "POST"])
    def index():
        session["n"] = session.get("n", 0) + 1
        return render_template_string("<p>{{ n }}</p>", n=session["n"])

    with app.test_client() as client:
        client.get("/")
        client.post("/", data={"a": "b"})
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    server.server_close()
    read_version = getattr(runner, "werkzeug_version", None)
    if read_version is not None:
        try:
            read_version()  # children tell werkzeug this instead of reading the metadata again
        except Exception:
            pass

    # runner.serve() loads the isolation module (sandbox.py) afresh for every app, so that no
    # student module can stand in for it; compiling it is a good part of a forked child's start.
    # Loaded once here instead (never used here): each child gets its own untouched copy with
    # the fork, which is what loading it afresh would give.
    module = load_sandbox_module()
    if module is not None:
        runner.load_sandbox = lambda: module

    # The source scan and the write watcher (runner.load_helper), loaded and run once here: a
    # child's scan then costs only its own files.
    load_helper = getattr(runner, "load_helper", None)
    if load_helper is not None:
        load_helper("stateWrites.py")
        load_helper("keptAlive.py")
        scanner = load_helper("sourceScan.py")
        if scanner is not None:
            scanner.warm_up()


def send(message):
    """Control messages go out with os.write, never through sys.stdout: a buffered sys.stdout would
    be copied into every child and flushed there."""
    data = (json.dumps(message) + "\n").encode()
    while data:
        try:
            written = os.write(CONTROL_OUT, data)
        except InterruptedError:
            continue
        except OSError:
            os._exit(0)  # the grader is gone
        data = data[written:]


def connect(path, nonce, kind):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        sock.sendall(f"{nonce} {kind}\n".encode())
    except OSError:
        sock.close()
        raise
    return sock


def spawn(request, socket_path, children, maps):
    child_id = request["id"]
    try:
        channel = connect(socket_path, request["nonce"], "channel")
        try:
            output = connect(socket_path, request["nonce"], "output")
        except OSError:
            channel.close()
            raise
    except OSError as exc:
        send({"event": "spawn-failed", "id": child_id, "message": f"cannot reach the grader's socket: {exc}"})
        return
    maps_ours, maps_child = socket.socketpair()  # the child's requests for its id maps (sandbox.ParentMaps)
    try:
        pid = os.fork()
    except OSError as exc:
        for sock in (channel, output, maps_ours, maps_child):
            sock.close()
        send({"event": "spawn-failed", "id": child_id, "message": f"fork failed: {exc}"})
        return
    if pid == 0:
        become_child(request, channel.detach(), output.detach(), maps_child.detach())  # never returns
    channel.close()
    output.close()
    maps_child.close()
    maps_ours.setblocking(False)
    maps.open(maps_ours, pid)
    children[pid] = child_id
    send({"event": "spawned", "id": child_id, "pid": pid})


class MapRequests:
    """Each child's line for its user namespace's id maps: answered once (sandbox.answer_maps),
    then closed; closed too when the child ends without asking."""

    def __init__(self, selector):
        self.selector = selector
        self.open_lines = {}  # pid -> socket

    def open(self, sock, pid):
        self.open_lines[pid] = sock
        self.selector.register(sock, selectors.EVENT_READ, ("maps", pid))

    def answer(self, pid):
        sock = self.open_lines.get(pid)
        sandbox = load_sandbox_module()
        if sock is not None and sandbox is not None:
            sock.setblocking(True)  # one short answer; the child waits for it
            sandbox.answer_maps(sock.fileno(), pid)
        self.close(pid)

    def close(self, pid):
        sock = self.open_lines.pop(pid, None)
        if sock is not None:
            self.selector.unregister(sock)
            sock.close()


def load_sandbox_module():
    try:
        return runner.load_sandbox()
    except Exception:
        return None


def become_child(request, channel_fd, output_fd, maps_fd):
    code = 1
    try:
        os.setsid()  # own session and process group: the grader kills the group
        runner.set_death_signal(signal.SIGKILL)
        if os.getppid() != ZYGOTE_PID:
            os._exit(3)  # the zygote died before prctl took effect
        # Undo the zygote's signal set-up; Python's own defaults stay (SIGPIPE ignored, as cold).
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

        # fd 0: nothing; fd 1: the private channel (runner.main() moves it off fd 1 itself);
        # fd 2: the output stream; fd 3: the line for the id maps, which runner.serve() closes
        # before any student code runs. Then close everything else the zygote had open.
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(channel_fd, 1)
        os.dup2(output_fd, 2)
        os.dup2(maps_fd, 3)
        os.closerange(4, max_fd())
        runner.PARENT_MAPS_FD = 3
        sys.stdin = open(0, "r", closefd=False)
        sys.stdout = sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)

        # The environment a cold runner would start with (when the request gives one), exactly.
        if request.get("env") is not None:
            os.environ.clear()
            os.environ.update(request["env"])
        os.environ["AUTOGRADER_PARENT_PID"] = str(ZYGOTE_PID)  # runner.die_with_parent checks it
        os.chdir(request.get("cwd") or "/")
        reseed()
        sys.argv = [runner.__file__, *request["argv"]]
        # As on the cold path (where runner.py is __main__), a student's own runner.py must be
        # importable: forget ours by name (this function holds it) and the folder it came from.
        sys.modules.pop("runner", None)
        sys.path[:] = [p for p in sys.path if p != BOOT_DIR]
        runner.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        try:
            traceback.print_exc()
        except BaseException:
            pass
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)


def max_fd():
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 65536


def reseed():
    """A forked child would repeat the zygote's random sequence: give it its own, as a cold
    interpreter has."""
    import random

    random.seed()


def reap(children, maps):
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        maps.close(pid)
        child_id = children.pop(pid, None)
        if child_id is None:
            continue
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = str(sig)
            send({"event": "exited", "id": child_id, "signal": name})
        else:
            send({"event": "exited", "id": child_id, "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1})


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: zygote.py SOCKET_PATH\n")
        sys.exit(2)
    socket_path = sys.argv[1]
    runner.die_with_parent()  # the zygote dies with the grader; its children die with it
    warm_up()
    sys.dont_write_bytecode = True

    children = {}
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the loop through wake_w

    # Nothing allocated before this point changes in children: keep the collector off those
    # pages so that forked children share them with the zygote instead of copying them. No
    # collection first: it would free a few hundred objects of 30,000 for ~10 ms of the wait.
    gc.freeze()
    gc.enable()

    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ, "control")
    selector.register(wake_r, selectors.EVENT_READ, "wake")
    maps = MapRequests(selector)
    send({"event": "zygote-ready", "pid": ZYGOTE_PID})

    pending = b""
    while True:
        for key, _ in selector.select():
            if key.data == "wake":
                try:
                    while os.read(wake_r, 512):
                        pass
                except BlockingIOError:
                    pass
                reap(children, maps)
                continue
            if isinstance(key.data, tuple):
                maps.answer(key.data[1])
                continue
            chunk = os.read(0, 65536)
            if not chunk:
                return  # the grader closed our stdin: time to go (children die with us)
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if not line.strip():
                    continue
                try:
                    request = json.loads(line)
                except ValueError:
                    continue
                if request.get("op") == "spawn":
                    spawn(request, socket_path, children, maps)
        reap(children, maps)


if __name__ == "__main__":
    main()
