"""Isolation for one student's app, entered by runner.serve() before any student code runs.

Both launchers go through it: the cold path (a fresh `python runner.py` per app) and a warm fork
server (a child forked per submission that calls runner.serve()). Everything here happens in the
process that is about to import the student's code, so both get the same protection.

    enter(config, report, keep_fds, server_fds, unisolated) -> {"isolated": bool, "reason": str}

`config` (a dict, JSON from the grader):
    copy      absolute path of the private copy of the submission: the app's folder, writable
    root      absolute path of an empty folder next to it, used as the mount point of the new root
    hide      absolute paths that must never be visible (the grader's package, the original
              submission); also anything not listed below is invisible anyway
    limits    {"memoryMb", "cpuSeconds", "processes", "fileSizeMb", "openFiles"}
    uid       a number chosen once per private folder: when the grader is root, the app runs as
              uid OUTSIDE_ID_BASE + uid outside its namespace, the same on every restart, so
              that the files of its folder stay its own
    mode      "auto" (isolate if this machine can, else run plainly), "required" (fail if it
              cannot), "off" (run plainly)

Isolated, the process tree is (a warm child whose isolation is required has no R: it is C
itself, and the zygote, outside already, maps the ids; see ParentMaps):

    runner R (the grader's child; stays in the grader's namespaces, root or not)
      └─ C  in a new user, mount, network, IPC and UTS namespace; waits for A and reports how it
           ended (a limit, a signal); its death takes A with it (PR_SET_PDEATHSIG)
           └─ A  pid 1 of a new pid namespace: the app. When it ends, the kernel kills every
                 process left in the namespace, double-forked daemons included.

A sees a new root (pivot_root) built from read-only bind mounts of the system (/usr, /etc, the
libraries) and of the Python installation, a fresh /proc of its own pid namespace, a minimal /dev,
private size-capped tmpfs /tmp and /dev/shm, and its private copy (the only writable folder on
disk). It has no network interface but a loopback that is down: it reaches neither the internet
nor the grader's loopback, and the ports it binds are its own. It talks to the grader only through
descriptors it inherited: the channel, stdout/stderr, and the listening Unix socket that the runner
bound (in a folder A cannot see) before entering. Then it drops every capability, sets
no_new_privs, switches to an unprivileged uid (when the grader is root), clears its environment
and sets the rlimits.

Without namespaces (mode "off", or "auto" on a machine that forbids them) the runner itself
becomes the app: clean environment, the private copy as working folder, and the rlimits. When the
grader is root, the app first becomes the same unprivileged uid and gid it would have outside a
namespace (no groups, no capabilities, no_new_privs), its private copy is handed to that uid, and
the process count is limited too (the uid is the app's alone); as another user the process count
is not limited (the kernel counts per user: it would count the grader's own processes). An
unprivileged app still reads what is readable by everyone: see the README's threat model.
"""

import ctypes
import errno
import os
import resource
import select
import signal
import stat
import struct
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
MNT_DETACH = 0x2

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4

AT_EMPTY_PATH = 0x1000
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
MOUNT_ATTR_NOSUID = 0x2

M_ARENA_MAX = -8

# Syscalls glibc has no wrapper for (or only recent ones): numbers per architecture.
SYSCALLS = {
    "x86_64": {"pivot_root": 155, "capset": 126, "mount_setattr": 442},
    "aarch64": {"pivot_root": 41, "capset": 91, "mount_setattr": 442},
    "riscv64": {"pivot_root": 41, "capset": 91, "mount_setattr": 442},
}

# The defaults, also documented in the README and in graders/spec/types.ts.
DEFAULT_LIMITS = {"memoryMb": 512, "cpuSeconds": 10, "processes": 32, "fileSizeMb": 16, "openFiles": 128}

# The uid and gid the app has inside its user namespace ("nobody", known to /etc/passwd).
INSIDE_ID = 65534
# When the grader is root, the app runs as a uid of its own outside too: the kernel never
# enforces RLIMIT_NPROC for root, and files the app can reach must not be root's to write.
OUTSIDE_ID_BASE = 1_500_000_000

SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"]
DEVICES = ["null", "zero", "full", "random", "urandom"]
CLEAN_PATH = "/usr/local/bin:/usr/bin:/bin"
# Interpreter settings a subprocess of the app may need to find the same Python packages.
KEPT_VARIABLES = ("PYTHONPATH", "PYTHONHOME")

_libc = None


class SandboxError(Exception):
    """Isolation could not be set up (before any student code ran)."""


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def check(result, what):
    if result == -1:
        err = ctypes.get_errno()
        raise SandboxError(f"{what}: {os.strerror(err)} ({errno.errorcode.get(err, err)})")
    return result


def syscall(name, *args):
    numbers = SYSCALLS.get(os.uname().machine)
    if not numbers:
        raise SandboxError(f"unsupported architecture {os.uname().machine}")
    return libc().syscall(ctypes.c_long(numbers[name]), *args)


def mount(source, target, fstype, flags, data=None):
    enc = lambda s: s.encode() if isinstance(s, str) else s
    check(libc().mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


# ---------------------------------------------------------------------------------------------
# entry point


def merged_limits(config):
    limits = dict(DEFAULT_LIMITS)
    limits.update({k: v for k, v in (config.get("limits") or {}).items() if v is not None})
    return limits


def enter(config, report=None, keep_fds=(), server_fds=(), unisolated=None, parent_maps=None):
    """Isolate the calling process before it imports student code (see the module's doc).

    `report(event, **fields)` writes to the grader's channel. `keep_fds` are the descriptors the
    app needs (the channel); `server_fds` too (the listening socket), and they are closed in the
    runner once the app holds them, so that a dead app is refused at once rather than queued.
    In the isolated app every other descriptor is closed: a launcher must not rely on any other.
    Returns in the process that goes on to run the app; when the app is isolated, the calling
    process never returns: it waits for the app and ends the way the app ended.
    `unisolated()` is called just before the app is set up to run without namespaces (still with
    the runner's privileges): the runner's watchdog, which an isolated app does not need.
    `parent_maps` (ParentMaps, a warm child only): with isolation required, the calling process
    becomes C itself (no fallback to keep a runner for); it is closed here in every other case."""
    report = report or (lambda event, **fields: None)
    unisolated = unisolated or (lambda: None)
    limits = merged_limits(config)
    mode = config.get("mode", "auto")
    if parent_maps is not None and mode != "required":
        parent_maps.close()
        parent_maps = None
    if parent_maps is not None:
        isolate_in_place(config, limits, report, tuple(keep_fds) + tuple(server_fds), tuple(server_fds), parent_maps)
        return {"isolated": True, "reason": ""}  # only the app gets here
    if mode == "off":
        unisolated()
        plain(config, limits)
        return {"isolated": False, "reason": "isolation is turned off"}
    try:
        isolate(config, limits, report, tuple(keep_fds) + tuple(server_fds), tuple(server_fds))
        return {"isolated": True, "reason": ""}  # only the app gets here
    except SandboxError as exc:
        if mode == "required":
            raise
        unisolated()
        plain(config, limits)
        return {"isolated": False, "reason": str(exc)}


def plain(config, limits):
    """No namespaces: a clean environment, the private copy, and the limits that are per process;
    as root, an unprivileged uid of the app's own first."""
    copy = config["copy"]
    clean_environment(copy)
    if os.geteuid() != 0:
        os.chdir(copy)
        set_limits(limits, processes=False)
        return
    uid = outside_id(config)
    hand_over(copy, uid)
    drop_privileges(uid)
    reachable_unprivileged(copy)
    os.chdir(copy)
    set_limits(limits, processes=True)


def outside_id(config):
    """The app's uid and gid outside any namespace when the grader is root: the same for every
    boot of one private folder, never a real user's."""
    return OUTSIDE_ID_BASE + int(config.get("uid", os.getpid())) % 500_000_000


def hand_over(copy, uid):
    """Make the private copy the app's (uid), and its private folder passable but not listable."""
    os.chmod(os.path.dirname(copy), 0o711)
    own(copy, uid, plain=True)


def reachable_unprivileged(copy):
    """After dropping to the app's uid: can it read its folder, the standard library and Flask?
    If not, no app could run here this way: the grader's machine is at fault, said plainly."""
    flask = sys.modules.get("flask")
    needed = [
        (copy, "set TMPDIR to a folder every user can pass through, such as /tmp"),
        (os.path.dirname(os.__file__), "install Python where every user can read it (e.g. /usr)"),
    ]
    if flask is not None and getattr(flask, "__file__", None):
        needed.append((os.path.dirname(os.path.dirname(flask.__file__)), "install Flask where every user can read it"))
    for path, fix in needed:
        try:
            os.listdir(path)
        except OSError as exc:
            raise SandboxError(
                f"without isolation the app runs as an unprivileged user, who cannot read {path} "
                f"({exc.strerror}): {fix}, or grade where user namespaces are allowed"
            )


# ---------------------------------------------------------------------------------------------
# the runner's side: start C, answer its requests, then wait and end like it


def isolate(config, limits, report, keep_fds, server_fds):
    status_r, status_w = os.pipe()  # C and A -> runner: "map", "ok", "fail <why>"
    reply_r, reply_w = os.pipe()  # runner -> C: "mapped"
    runner = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(status_r)
        os.close(reply_w)
        try:
            middle(config, limits, report, keep_fds, server_fds, runner, status_w, reply_r)
        except BaseException as exc:  # C could not set up: the runner goes on without isolation
            tell(status_w, failure(exc))
            os._exit(70)
        return  # middle() returns only in the app, set up and ready
    os.close(status_w)
    os.close(reply_r)

    def map_ids():
        write_maps(pid, config)
        tell(reply_w, "mapped")

    try:
        settled(pid, outcome_of(status_r, map_ids))
    finally:
        os.close(reply_w)
    close_fds(server_fds)
    _, status = os.waitpid(pid, 0)
    end_like(status)


def outcome_of(status_r, map_ids=None):
    """Reads C's and A's lines until A is set up ("ok") or one failed ("fail <why>"); None when
    they ended without a word. "map" (C, as root) is answered by `map_ids()`."""
    with os.fdopen(status_r, "r", encoding="utf-8", errors="replace") as reader:
        for line in reader:
            line = line.rstrip("\n")
            if line == "map" and map_ids is not None:
                try:
                    map_ids()
                except OSError as exc:
                    return f"fail cannot map the user namespace ids: {exc}"
            elif line == "ok" or line.startswith("fail "):
                return line
    return None


def settled(pid, outcome):
    """Goes on when the isolated process `pid` is set up ("ok"); else stops it and raises why."""
    if outcome == "ok":
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    raise SandboxError(outcome[5:] if outcome else "the isolated process ended while it was set up")


def failure(exc):
    return f"fail {exc}" if isinstance(exc, SandboxError) else f"fail {type(exc).__name__}: {exc}"


def close_fds(fds):
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def tell(fd, message):
    try:
        os.write(fd, (message.replace("\n", " ")[:400] + "\n").encode())
    except OSError:
        pass


def write_maps(pid, config):
    """Only a process still in the grader's user namespace (the runner, or the zygote for a warm
    child) can map two ids: inside 0 is the grader's uid (so that setting up can read what the
    grader can), inside 65534 is the app's."""
    outside = outside_id(config)
    with open(f"/proc/{pid}/uid_map", "w") as f:
        f.write(f"0 0 1\n{INSIDE_ID} {outside} 1\n")
    with open(f"/proc/{pid}/gid_map", "w") as f:
        f.write(f"0 0 1\n{INSIDE_ID} {outside} 1\n")


def end_like(status):
    """End this process the way the waited-for one ended: same exit code, or same signal."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
            os.kill(os.getpid(), sig)
        except (OSError, ValueError):
            pass
        os._exit(128 + sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


# ---------------------------------------------------------------------------------------------
# a warm child with isolation required: no runner R, the child is C itself


class ParentMaps:
    """A warm child's line to the zygote that forked it. As root, only a process outside the new
    user namespace may map its two ids; the zygote is outside already, so a child whose isolation
    is required needs no runner of its own to stay behind for that (one fork less per app: a fork
    of a Flask process costs ~2 ms of kernel time, its copy-on-write faults as much again).
    The zygote answers one request, then closes its end; the child closes its end before the app
    is forked, so no student code ever holds it."""

    def __init__(self, fd):
        self.fd = fd

    def request(self, config):
        os.write(self.fd, f"map {int(config.get('uid', os.getpid()))}\n".encode())
        reply = os.read(self.fd, 512).decode("utf-8", "replace").strip()
        if reply != "mapped":
            raise SandboxError(reply[5:] if reply.startswith("fail ") else "the zygote did not map the user namespace ids")

    def close(self):
        close_fds((self.fd,))


def answer_maps(fd, pid):
    """The zygote's side of ParentMaps, for its child `pid`: one request, one answer."""
    try:
        request = os.read(fd, 64).decode("ascii", "replace").split()
    except OSError:
        return
    if len(request) != 2 or request[0] != "map" or not request[1].isdigit():
        return
    try:
        write_maps(pid, {"uid": int(request[1])})
        answer = "mapped"
    except OSError as exc:
        answer = f"fail cannot map the user namespace ids: {exc}"
    tell(fd, answer)


def isolate_in_place(config, limits, report, keep_fds, server_fds, parent_maps):
    try:
        root = enter_namespaces(lambda: parent_maps.request(config))
    finally:
        parent_maps.close()
    status_r, status_w = os.pipe()  # A -> C: "ok", "fail <why>"
    pid = fork_app(config, limits, keep_fds, status_w, root)
    if pid == 0:
        return  # the app, set up and ready
    close_fds((status_w,) + tuple(server_fds))
    settled(pid, outcome_of(status_r))
    wait_and_end_like(pid, limits, report)


# ---------------------------------------------------------------------------------------------
# C: new namespaces, then the app as pid 1 of its pid namespace


def middle(config, limits, report, keep_fds, server_fds, runner, status_w, reply_r):
    die_with(runner)

    def ask_runner():
        tell(status_w, "map")
        if not os.read(reply_r, 64).startswith(b"mapped"):
            raise SandboxError("the runner did not map the user namespace ids")

    root = enter_namespaces(ask_runner)
    os.close(reply_r)
    pid = fork_app(config, limits, keep_fds, status_w, root)
    if pid == 0:
        return
    close_fds((status_w,) + tuple(server_fds))
    wait_and_end_like(pid, limits, report)


def enter_namespaces(map_from_outside):
    """New user, mount, network, pid (for the next child), IPC and UTS namespaces, the user
    namespace's ids mapped: by a process outside when the grader is root (two ids), else here.
    Returns whether the grader is root (inside, every user is uid 0 from now on)."""
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    check(libc().unshare(flags), "unshare (user, mount, network and pid namespaces)")
    if uid == 0:
        map_from_outside()
        return True
    try:
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"0 {uid} 1\n")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"0 {gid} 1\n")
    except OSError as exc:
        raise SandboxError(f"cannot map the user namespace ids: {exc}")
    return False


def fork_app(config, limits, keep_fds, status_w, root):
    """Forks A, which sets itself up (see app()) and says "ok" or "fail <why>" on `status_w`.
    Returns 0 in A once it is set up, A's pid in C."""
    alive_r, alive_w = os.pipe()  # the app learns that C is gone when this pipe reaches its end
    pid = os.fork()
    if pid == 0:
        os.close(alive_w)
        try:
            app(config, limits, keep_fds + (status_w, alive_r), root, alive_r)
        except BaseException as exc:
            tell(status_w, failure(exc))
            os._exit(70)
        tell(status_w, "ok")
        close_fds((status_w, alive_r))
        return 0
    os.close(alive_r)
    return pid


def wait_and_end_like(pid, limits, report):
    """C, once A runs: wait for it, say which limit stopped it (if one did), end the same way."""
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    limit = limit_reached(status, usage, limits)
    if limit:
        report("limit", limit=limit, value=limits[LIMIT_KEYS[limit]])
    end_like(status)


LIMIT_KEYS = {"cpu": "cpuSeconds", "file-size": "fileSizeMb", "memory": "memoryMb", "processes": "processes", "open-files": "openFiles"}


def limit_reached(status, usage, limits):
    """Which limit stopped the app, if its end says so."""
    if not os.WIFSIGNALED(status):
        return None
    sig = os.WTERMSIG(status)
    cpu = usage.ru_utime + usage.ru_stime
    if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= limits["cpuSeconds"] - 0.05):
        return "cpu"
    if sig == signal.SIGXFSZ:
        return "file-size"
    return None


def die_with(parent):
    check(libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent:
        os._exit(70)  # the parent died before the death signal was armed


# ---------------------------------------------------------------------------------------------
# A: the app's view of the world


def app(config, limits, keep_fds, root, alive_r):
    die_with_middle(alive_r)
    copy = os.path.realpath(config["copy"])
    new_root = os.path.realpath(config["root"])
    hidden = [os.path.realpath(p) for p in config.get("hide", [])] + [os.path.dirname(copy)]
    build_root(new_root, copy, hidden, limits)
    enter_root(new_root)
    os.chdir(copy)
    close_other_fds(keep_fds)
    clean_environment(copy)
    drop_privileges(INSIDE_ID if root else None)
    # A change of uid clears the death signal: without it again, an app that leaves the process
    # group (os.setsid()) would outlive its stop and the grader, still writing in its folder.
    die_with_middle(alive_r)
    # Unprivileged, the app keeps the one id mapped, which the middle process (waiting for it in
    # the same user namespace) has too: the kernel counts that process against the app's limit.
    set_limits(limits, processes=True, others=0 if root else 1)


def die_with_middle(alive_r):
    check(libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    readable, _, _ = select.select([alive_r], [], [], 0)
    if readable:
        os._exit(70)  # C is gone already: its death signal came too early for us


def build_root(new_root, copy, hidden, limits):
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", new_root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=0755")
    bound = []  # targets of bind mounts: nothing may be created below them

    def inside(path, dirs):
        return any(path == d or path.startswith(d.rstrip("/") + "/") for d in dirs)

    def prepare(path, is_dir=True):
        """Create `path` (and its parents) in the new root, never through a link or a bind mount."""
        current = new_root
        parts = [p for p in path.split("/") if p]
        for i, part in enumerate(parts):
            current = os.path.join(current, part)
            last = i == len(parts) - 1
            try:
                st = os.lstat(current)
            except FileNotFoundError:
                if last and not is_dir:
                    os.close(os.open(current, os.O_CREAT | os.O_WRONLY, 0o644))
                else:
                    os.mkdir(current, 0o755)
                continue
            if os.path.islink(current) or inside("/" + "/".join(parts[: i + 1]), bound):
                return None
        return current

    def bind(source, target_path=None):
        target_path = target_path or source
        if inside(target_path, bound):
            return
        target = prepare(target_path, os.path.isdir(source))
        if target is None:
            return
        mount(source, target, None, MS_BIND | MS_REC)
        bound.append(target_path)

    # Private /tmp and /dev/shm first, so that whatever is bound below /tmp (a venv, say) lands on
    # top of them rather than under them.
    size = f"size={max(int(limits['fileSizeMb']), 1)}m,nr_inodes=4096,mode=1777"
    mount("tmpfs", prepare("/tmp"), "tmpfs", MS_NOSUID | MS_NODEV, size)
    # The system, read-only (made so below, recursively); links such as /bin -> usr/bin as links.
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            prepare(os.path.dirname(path))
            os.symlink(os.readlink(path), new_root + path)
        elif os.path.isdir(path):
            bind(path)
    # The Python installation and the folders it imports from, except the grader's own: each at
    # its real path, and also at the path Python knows it by when that goes through a link.
    prefixes = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix}
    candidates = {}  # path in the new root -> real path on the machine
    for path in list(prefixes) + [os.path.dirname(sys.executable)]:
        candidates[os.path.abspath(path)] = os.path.realpath(path)
    for entry in sys.path:
        real = os.path.realpath(entry or ".")
        if os.path.exists(real) and not inside(real, hidden + [copy]):
            candidates[os.path.abspath(entry or ".")] = real
    for real in list(candidates.values()):
        candidates[real] = real
    # The installation itself is bound even inside a hidden folder (a venv in the grader's folder):
    # only that folder is, not what is next to it.
    for target in sorted(candidates, key=len):
        if target != "/" and not inside(target, [copy]):
            bind(candidates[target], target)
    # A minimal /dev.
    dev = prepare("/dev")
    mount("tmpfs", dev, "tmpfs", MS_NOSUID, "size=64k,nr_inodes=64,mode=0755")
    for name in DEVICES:
        target = prepare(f"/dev/{name}", is_dir=False)
        mount(f"/dev/{name}", target, None, MS_BIND)
    for name, to in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(to, f"{dev}/{name}")
    mount("tmpfs", prepare("/dev/shm"), "tmpfs", MS_NOSUID | MS_NODEV, size)
    prepare("/proc")
    target = prepare(copy)
    if target is None:
        raise SandboxError(f"cannot make a mount point for {copy}")
    # Whatever of the hidden paths a bind mount brought in (the grader installed under /usr, say)
    # is covered by an empty folder.
    for path in hidden:
        if inside(path, bound) and os.path.exists(new_root + path):
            mount("tmpfs", new_root + path, "tmpfs", MS_NOSUID | MS_NODEV, "size=4k,nr_inodes=8,mode=0755")
    read_only(new_root)
    # The writable places: /tmp and /dev/shm themselves (not what is bound below them), and the copy.
    writable(new_root + "/tmp")
    writable(new_root + "/dev/shm")
    mount(copy, target, None, MS_BIND)
    try:
        mount(None, target, None, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | locked_flags(copy))
    except SandboxError:
        pass  # no_new_privs already makes set-uid files powerless
    try:
        mount("proc", new_root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except SandboxError:
        pass  # a container that masks its /proc forbids a new one: the app goes without
    # The app's own folder: writable by the app's uid when the grader is root.
    if os.geteuid() == 0:
        own(copy, INSIDE_ID)


def own(top, uid, plain=False):
    """Give `top` and everything below it to `uid`, never following a link. Without a mount
    namespace the app's earlier boot could have left a hard link to a file of the machine in its
    folder: a file with more than one link is not handed over."""
    for dirpath, dirnames, filenames in os.walk(top):
        for name in [dirpath] + [os.path.join(dirpath, n) for n in dirnames + filenames]:
            try:
                if plain:
                    st = os.lstat(name)
                    if not stat.S_ISDIR(st.st_mode) and st.st_nlink > 1 and st.st_uid != uid:
                        continue
                os.lchown(name, uid, uid)
            except OSError:
                pass


def read_only(new_root):
    """Make the new root and everything mounted below it read-only and nosuid."""
    fd = os.open(new_root, os.O_PATH | os.O_DIRECTORY)
    try:
        # Not nodev: the device nodes bound into /dev must stay usable (the app cannot make any).
        attr = struct.pack("QQQQ", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0, 0, 0)
        buf = ctypes.create_string_buffer(attr, len(attr))
        if syscall("mount_setattr", fd, b"", AT_EMPTY_PATH | AT_RECURSIVE, buf, ctypes.c_size_t(len(attr))) == 0:
            return
        if ctypes.get_errno() != errno.ENOSYS:
            check(-1, "mount_setattr")
    finally:
        os.close(fd)
    # Kernels before 5.12: one remount per mount, keeping the flags that are locked.
    with open("/proc/self/mountinfo") as f:
        targets = [line.split()[4].encode().decode("unicode_escape") for line in f]
    for target in targets:
        if target == new_root or target.startswith(new_root + "/"):
            mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | locked_flags(target))


def writable(path):
    """Make one mount writable again (not the mounts below it)."""
    fd = os.open(path, os.O_PATH | os.O_DIRECTORY)
    try:
        attr = struct.pack("QQQQ", 0, MOUNT_ATTR_RDONLY, 0, 0)
        buf = ctypes.create_string_buffer(attr, len(attr))
        if syscall("mount_setattr", fd, b"", AT_EMPTY_PATH, buf, ctypes.c_size_t(len(attr))) == 0:
            return
        if ctypes.get_errno() != errno.ENOSYS:
            check(-1, f"mount_setattr {path}")
    finally:
        os.close(fd)
    mount(None, path, None, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV)


def locked_flags(path):
    """Mount flags that a remount inside a user namespace must keep."""
    flags = os.statvfs(path).f_flag
    kept = 0
    for st, ms in ((os.ST_NOEXEC, MS_NOEXEC), (os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_RDONLY, MS_RDONLY)):
        if flags & st:
            kept |= ms
    for name, ms in (("ST_NOATIME", 0x400), ("ST_NODIRATIME", 0x800), ("ST_RELATIME", 0x200000)):
        if flags & getattr(os, name, 0):
            kept |= ms
    return kept


def enter_root(new_root):
    os.chdir(new_root)
    check(syscall("pivot_root", b".", b"."), "pivot_root")
    check(libc().umount2(b".", MNT_DETACH), "umount the old root")
    os.chdir("/")


def close_other_fds(keep):
    keep = sorted({fd for fd in keep if fd is not None and fd >= 0} | {0, 1, 2})
    start = 0
    for fd in keep + [resource.getrlimit(resource.RLIMIT_NOFILE)[0]]:
        if fd > start:
            os.closerange(start, fd)
        start = fd + 1


def clean_environment(home):
    """The app starts with nothing of the grader's environment (tokens, secrets, paths)."""
    kept = {k: os.environ[k] for k in KEPT_VARIABLES if k in os.environ}
    os.environ.clear()
    os.environ.update(
        PATH=CLEAN_PATH, HOME=home, TMPDIR="/tmp", LANG="C.UTF-8",
        PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1", **kept,
    )
    scrub_initial_environment()


def scrub_initial_environment():
    """/proc/self/environ shows the environment the process was started with, whatever
    os.environ says now (a warm fork server's children inherit its start-up environment):
    overwrite that memory."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start, end = int(fields[47]), int(fields[48])  # env_start, env_end (proc(5) fields 50, 51)
        if 0 < start < end and end - start < 1 << 20:
            ctypes.memset(start, 0, end - start)
    except (OSError, ValueError, IndexError):
        pass


def drop_privileges(uid):
    """No capabilities, no_new_privs, and (unless `uid` is None) no groups and `uid` as every uid and gid."""
    try:
        last = int(open("/proc/sys/kernel/cap_last_cap").read())
    except (OSError, ValueError):
        last = 40
    for cap in range(last + 1):
        libc().prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    libc().prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    header = struct.pack("Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = bytes(24)  # effective, permitted, inheritable = 0 (twice 32 bits)
    check(syscall("capset", ctypes.create_string_buffer(header, 8), ctypes.create_string_buffer(data, 24)), "capset")
    check(libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    # Changing uid made the process undumpable: its own /proc/self would be root's. Core dumps
    # stay off (RLIMIT_CORE 0).
    libc().prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
    try:
        # One malloc arena: each further one reserves 64 MB of address space, which would count
        # against the memory limit and make starting a thread fail long before memory is used.
        libc().mallopt(M_ARENA_MAX, 1)
    except AttributeError:
        pass


def set_limits(limits, processes, others=0):
    """The app's limits; `processes` (RLIMIT_NPROC, counted per uid) with room for `others`, the
    processes of the same uid that are not the app's."""
    mb = 1024 * 1024
    cpu = max(1, int(round(limits["cpuSeconds"])))
    pairs = [
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),  # SIGXCPU at the limit, SIGKILL a second later
        (resource.RLIMIT_AS, int(limits["memoryMb"] * mb)),
        (resource.RLIMIT_FSIZE, int(limits["fileSizeMb"] * mb)),
        (resource.RLIMIT_NOFILE, int(limits["openFiles"])),
    ]
    if processes:
        pairs.append((resource.RLIMIT_NPROC, int(limits["processes"]) + others))
    for which, value in pairs:
        soft, hard = value if isinstance(value, tuple) else (value, value)
        _, current_hard = resource.getrlimit(which)
        if current_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, current_hard), min(hard, current_hard)
        resource.setrlimit(which, (soft, hard))
