"""`npm run bench`, case class: runs a command as a child subreaper and reaps everything under it.

An app is three forked Python processes; when the grader kills an app's process group, the
parents die before they reap their children, and those orphans go to init, which on some machines
reaps them seconds later: their CPU time and faults reach no process of the batch. Run under this
wrapper, orphans come here instead (PR_SET_CHILD_SUBREAPER) and are reaped at once, so the
wrapper's own child times (what the bench reads when it reaps the wrapper) cover every process
the command started. Nothing else about the command changes.

    python3 benchReaper.py OUT.json COMMAND [ARG...]

Writes to OUT.json the command's wall time (from its fork to its exit, without this wrapper's
own start) and what the orphans used (processes, CPU ms and the kernel's part of it, minor and major faults; null off Linux,
where there is no prctl and the wrapper only runs the command); exits with the command's status.
"""

import ctypes
import json
import os
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
# Orphans still running after the command ended are waited for this long, then left to init.
LINGER_SECONDS = 10


def main():
    out, command = sys.argv[1], sys.argv[2:]
    try:
        subreaper = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        subreaper = False
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    orphans = {"processes": 0, "cpuMs": 0.0, "systemMs": 0.0, "minorFaults": 0, "majorFaults": 0}
    status = 1
    command_ms = None
    deadline = None
    while True:
        try:
            if deadline is None:
                reaped, code, usage = os.wait4(-1, 0)
            else:
                reaped, code, usage = os.wait4(-1, os.WNOHANG)
                if reaped == 0:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.05)
                    continue
        except ChildProcessError:
            break
        if reaped == pid:
            command_ms = (time.monotonic() - started) * 1000
            status = os.waitstatus_to_exitcode(code)
            deadline = time.monotonic() + LINGER_SECONDS
            continue
        orphans["processes"] += 1
        orphans["cpuMs"] += (usage.ru_utime + usage.ru_stime) * 1000
        orphans["systemMs"] += usage.ru_stime * 1000
        orphans["minorFaults"] += usage.ru_minflt
        orphans["majorFaults"] += usage.ru_majflt
    with open(out, "w") as f:
        json.dump({"commandMs": command_ms, "orphans": orphans if subreaper else None}, f)
    sys.exit(status if status >= 0 else 128 - status)


if __name__ == "__main__":
    main()
