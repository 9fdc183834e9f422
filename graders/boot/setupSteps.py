"""A spec's setup steps (`setup:`), run before the app boots: in the sandbox, in the app's private
copy, with the app's limits (the grader's side is graders/boot/setupSteps.ts).

runner.serve() loads this file before isolation and calls run() after it, before the app is
imported. Each step runs in a process of its own, forked from the runner, so that
- it is stopped at its time limit whatever it does (the runner waits with a deadline, then kills it);
- its output is read apart from the app's, bounded, and shown with its failure;
- nothing it leaves in memory (a half-imported module, an open connection) is the app's: as with
  `flask init-db` and then `flask run`, the app is imported afresh once setup is done.
A step that fails is reported as a "problem" of kind "setup" and the runner exits: the app never
starts. If the app cannot even be imported for a step, that problem is relayed as it is (the same
syntax error or crash a boot would report).

A step is {"name": ..., "flask": [words]} (a command of the app's own Flask CLI, as after
`flask --app ENTRY`) or {"name": ..., "python": "code"} (run as a script in the app's folder).
"""

import builtins
import json
import os
import select
import signal
import sys
import time

# The tail of a step's output kept for its failure, and the most its reports may take.
OUTPUT_KEPT = 8 * 1024
REPORTS_KEPT = 64 * 1024
# After a step has ended, how long a process it started may keep its output open.
DRAIN_SECONDS = 0.2


def run(config, root, load_app, send, use_channel, describe):
    """Runs each step in order; on the first failure, reports it and exits the runner."""
    seconds = float(config.get("seconds") or 10)
    for step in config.get("steps") or []:
        failure = run_step(step, seconds, root, load_app, send, use_channel, describe)
        if failure is None:
            continue
        relayed = failure.pop("relay", None)
        if relayed is not None:
            send("problem", **relayed)
        else:
            send("problem", kind="setup", step=str(step.get("name") or "setup"), **failure)
        sys.exit(0)


def run_step(step, seconds, root, load_app, send, use_channel, describe):
    """One step in a forked process; None when it succeeded, else what went wrong."""
    out_r, out_w = os.pipe()
    reports_r, reports_w = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # nothing buffered here may be written twice, by the step too
    pid = os.fork()
    if pid == 0:
        os.close(out_r)
        os.close(reports_r)
        step_process(step, out_w, reports_w, root, load_app, send, use_channel, describe)  # never returns
    os.close(out_w)
    os.close(reports_w)
    output, reports, status = collect(pid, out_r, reports_r, seconds)
    text = output.decode("utf-8", errors="replace")
    for line in reports.decode("utf-8", errors="replace").splitlines():
        try:
            report = json.loads(line)
        except ValueError:
            continue
        if not isinstance(report, dict):
            continue
        if report.get("event") == "problem":  # the app could not be imported for the step
            return {"relay": {k: v for k, v in report.items() if k != "event"}}
        if report.get("event") == "setup-error":
            fields = {k: report[k] for k in ("type", "summary", "message", "file", "line") if k in report}
            return {"reason": "exception", "output": text, **fields}
    if status is None:
        return {"reason": "timeout", "output": text}
    if os.WIFSIGNALED(status):
        return {"reason": "signal", "signal": signal_name(os.WTERMSIG(status)), "output": text}
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    return None if code == 0 else {"reason": "exit", "code": code, "output": text}


def collect(pid, out_r, reports_r, seconds):
    """The step's output (its tail), its reports and its wait status (None: stopped at the limit)."""
    deadline = time.monotonic() + seconds
    output, reports = bytearray(), bytearray()
    sinks = {out_r: output, reports_r: reports}
    status = None
    ended_at = None
    while True:
        if status is None:
            done, got = os.waitpid(pid, os.WNOHANG)
            if done:
                status, ended_at = got, time.monotonic()
        now = time.monotonic()
        if status is not None and (not sinks or now - ended_at > DRAIN_SECONDS):
            break
        if status is None and now >= deadline:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(pid, 0)
            break
        if not sinks:
            time.sleep(0.01)
            continue
        ready, _, _ = select.select(list(sinks), [], [], 0.02)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                del sinks[fd]
                os.close(fd)
                continue
            sink = sinks[fd]
            if fd == out_r:
                sink += chunk
                del sink[:-OUTPUT_KEPT]
            elif len(sink) < REPORTS_KEPT:
                sink += chunk[: REPORTS_KEPT - len(sink)]
    for fd in sinks:
        os.close(fd)
    return bytes(output), bytes(reports), status


def step_process(step, out_w, reports_w, root, load_app, send, use_channel, describe):
    """The forked process of one step: output to its own pipe, reports to its own channel."""
    code = 1
    try:
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        os.close(out_w)
        sys.stdout = sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)
        use_channel(reports_w)  # the grader's channel is closed here: only the runner reports to it
        if step.get("flask") is not None:
            code = flask_command([str(w) for w in step["flask"]], load_app, send)
        else:
            code = python_code(str(step.get("python") or ""), str(step.get("name") or "setup"))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException as exc:
        try:
            send("setup-error", **describe(exc, root))
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


def flask_command(words, load_app, send):
    """What `flask --app ENTRY WORDS...` runs: the app's own CLI (its `app.cli` commands), in an
    app context, through Flask's own command group; the exit code."""
    import click
    from flask.cli import FlaskGroup

    app = load_app()  # reports the app's own problem (syntax, crash at import) and exits
    group = FlaskGroup(create_app=lambda: app, load_dotenv=False, set_debug_flag=False)
    try:
        result = group.main(args=words, prog_name="flask", standalone_mode=False)
    except click.exceptions.ClickException as exc:  # no such command, a bad option
        send("setup-error", type=type(exc).__name__, summary=exc.format_message(), message=exc.format_message())
        return exc.exit_code or 2
    except click.exceptions.Abort:
        return 1
    # Without standalone mode, click returns ctx.exit()'s code (or what the command returned).
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


def python_code(code, name):
    """Setup code run as a script would be, in the app's folder (its modules are importable)."""
    # An absolute name outside the app's folder: a traceback's frame in this code is never taken for a student's file.
    compiled = compile(code, f"/<setup {name}>", "exec")
    exec(compiled, {"__name__": "__main__", "__builtins__": builtins})
    return 0


def signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)
