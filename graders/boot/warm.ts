/**
 * The warm path of booting: one Python process (zygote.py) that has already imported Flask forks
 * a child per app, so an app costs a fork instead of an interpreter start. Each child is handed
 * to handshake.ts as an AppProcess, exactly like a cold one, so everything after the start (the
 * handshake, problems, exceptions, stop) is shared with the cold path.
 *
 * Each child reports on its own private channel and writes its output to its own stream: two Unix
 * socket connections to a socket this process listens on, in a folder only this user can enter.
 * The zygote makes both connections before it forks and tags each with a nonce that is fresh per
 * child and accepted once, so no child can claim another child's channel. The zygote reports each
 * child's pid and, once it is reaped, its exit status.
 *
 * The cold path stays the fallback: `warmLauncher()` boots cold whenever the zygote cannot be
 * started, has died, or fails to fork.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { createServer, type Server, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { addCost } from "../costMeter.js";
import { startDeadline } from "../deadline.js";
import { mark } from "../timing.js";
import type { AppProcess, BootOutcome, ChannelReader } from "./handshake.js";
import type { LaunchOptions } from "./launch.js";
import type { OutputBuffer } from "./output.js";
import { untrack } from "./reaper.js";
import { markOwned, sweepOnce } from "./ownedFolders.js";
import { spawnZygote, ZYGOTE_FOLDER, type SpawnedZygote, type Zygote } from "./zygoteProcess.js";

/**
 * The rest of the boot path (the handshake, the cold launcher), loaded on first use: a CLI run
 * starts the zygote before they load, and they load while it imports Flask. One promise, imports
 * one after another (concurrent dynamic imports of shared modules trip jest's ESM loader).
 */
let bootModules: Promise<typeof import("./handshake.js") & typeof import("./launch.js") & typeof import("./output.js")> | undefined;
const bootPath = () =>
  (bootModules ??= (async () => {
    const handshakeModule = await import("./handshake.js");
    const launchModule = await import("./launch.js");
    const outputModule = await import("./output.js");
    return { ...handshakeModule, ...launchModule, ...outputModule };
  })());

/** Starts an app: the cold `launch` and the warm launcher share this shape. */
export type Launcher = (options: LaunchOptions) => Promise<BootOutcome>;

/** The warm path cannot take this app (the zygote is not running or could not fork): boot it cold. */
export class WarmUnavailable extends Error {}

/** How long the zygote may take to import Flask and warm up before the warm path is given up. */
const START_TIMEOUT_MS = 30_000;
/**
 * How long the zygote may take to answer a spawn request (a fork takes milliseconds). A zygote
 * that does not answer is stuck: it is stopped, and this app and the next boot cold.
 */
export const SPAWN_TIMEOUT_MS = 5_000;
/** After a child's exit is known, how long to wait for its output to drain (a grandchild may hold it). */
const DRAIN_MS = 200;

interface Child {
  id: number;
  nonce: string;
  events: ChannelReader;
  output: OutputBuffer;
  pid?: number;
  /** The zygote has reaped it: its pid may be reused from now on (its group id may not, while the group lives). */
  reaped: boolean;
  exited?: string;
  spawned: Deferred<number>;
  exit: Deferred<void>;
  streams: Set<Socket>;
  /** Sockets still expected (channel and output) before the streams count as drained. */
  open: number;
  drained: Deferred<void>;
  /** performance.now() when the zygote reported the fork, and when the app reported its isolation (cost meter). */
  forkedAt?: number;
  isolatedAt?: number;
}

/** One zygote and the socket its children report on. */
export class WarmServer {
  private readonly children = new Map<number, Child>();
  private readonly byNonce = new Map<string, { child: Child; kinds: Set<string> }>();
  private nextId = 0;
  private dead: string | undefined;
  private closing = false;
  private stderr = "";
  /** How many times this server has lost its zygote (0 or 1): a caller can tell a run it spoilt. */
  private deaths = 0;

  private constructor(
    private readonly proc: Zygote,
    private readonly server: Server,
    private readonly dir: string,
    readonly python: string,
    private readonly spawnTimeoutMs: number,
  ) {}

  /** Starts a zygote for `python` and waits until it is warm. Rejects when it cannot start. */
  static async start(python: string, options: WarmOptions = {}): Promise<WarmServer> {
    const warm = await WarmServer.spawn(python, options);
    await warm.started;
    return warm;
  }

  /**
   * Starts a zygote for `python` without waiting for it to be warm (`started` says when it is),
   * so that a caller that no longer needs it can stop it while Python is still importing Flask.
   */
  static async spawn(python: string, options: WarmOptions = {}): Promise<WarmServer> {
    return WarmServer.adopt(spawnZygote(python), options);
  }

  /**
   * Like spawn(), for a zygote spawned already (zygoteProcess.ts): the command's entry spawns it
   * before this module loads. Its socket listens from now on.
   */
  static async adopt(spawned: SpawnedZygote, options: WarmOptions = {}): Promise<WarmServer> {
    const { python, proc, dir, socketPath } = spawned;
    const server = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(socketPath, () => resolve());
      });
    } catch (err) {
      await discard(spawned);
      throw err;
    }
    server.unref();
    // Its folder named as this process's, and those of zygotes whose grader was killed removed
    // (ownedFolders.ts): once it listens, off the critical path of the zygote's start.
    void markOwned(dir)
      .then(() => sweepOnce(dirname(dir), ZYGOTE_FOLDER))
      .catch(() => undefined);
    const warm = new WarmServer(proc, server, dir, python, options.spawnTimeoutMs ?? SPAWN_TIMEOUT_MS);
    server.on("connection", (socket) => warm.accept(socket));
    warm.started = warm.ready();
    warm.started.catch(() => undefined);
    return warm;
  }

  /** Settles when the zygote is warm; rejects (WarmUnavailable) when it could not start. */
  started: Promise<void> = Promise.resolve();

  /** The zygote's process id. */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** True while the zygote runs and takes requests. */
  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Times the zygote was lost while this server was in use. */
  get losses(): number {
    return this.deaths;
  }

  private ready(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let pending = "";
      let started = false;
      // A deadline, not a timer: after a stall of the grader, the "ready" line that came meanwhile is read first.
      const timer = startDeadline(
        START_TIMEOUT_MS,
        () => {
          void this.close();
          reject(new WarmUnavailable(`the warm server did not start within ${START_TIMEOUT_MS / 1000} s`));
        },
        { unref: true },
      );
      this.proc.stderr?.on("data", (chunk: Buffer) => {
        this.stderr = (this.stderr + chunk.toString("utf8")).slice(-4000);
      });
      this.proc.stdout?.on("data", (chunk: Buffer) => {
        const lines = (pending + chunk.toString("utf8")).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          let message: Record<string, unknown>;
          try {
            message = JSON.parse(line) as Record<string, unknown>;
          } catch {
            continue;
          }
          if (message.event === "zygote-ready" && !started) {
            started = true;
            mark("zygote ready");
            timer.cancel();
            resolve();
          } else {
            this.onControl(message);
          }
        }
      });
      // Control messages may be written to a pipe whose reader is gone: never crash on that.
      this.proc.stdin?.on("error", () => undefined);
      void this.proc.ended.then((r) => {
        const why = r.signal ? `stopped by ${r.signal}` : `exited with code ${r.exitCode}`;
        this.lost(`the warm server ${why}${this.stderr.trim() ? `: ${this.stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}`);
        if (!started) {
          timer.cancel();
          reject(new WarmUnavailable(this.dead));
        }
      });
    });
  }

  /** A connection from the zygote: the first line names the child (nonce) and the stream. */
  private accept(socket: Socket): void {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const newline = head.indexOf(10);
      if (newline < 0) {
        if (head.length > 200) socket.destroy();
        return;
      }
      socket.off("data", onData);
      const [nonce = "", kind = ""] = head.subarray(0, newline).toString("utf8").split(" ");
      const rest = head.subarray(newline + 1);
      const entry = this.byNonce.get(nonce);
      if (!entry || entry.kinds.has(kind) || (kind !== "channel" && kind !== "output")) {
        socket.destroy(); // not ours, or a second claim: never trusted
        return;
      }
      entry.kinds.add(kind);
      if (entry.kinds.size === 2) this.byNonce.delete(nonce);
      this.attach(entry.child, socket, kind, rest);
    };
    socket.on("data", onData);
    socket.on("error", () => socket.destroy());
  }

  private attach(child: Child, socket: Socket, kind: string, first: Buffer): void {
    child.streams.add(socket);
    const sink =
      kind === "channel"
        ? (b: Buffer) => {
            child.events.add(b);
            if (child.isolatedAt === undefined && child.events.all.some((e) => e.event === "sandbox")) child.isolatedAt = performance.now();
          }
        : (b: Buffer) => child.output.add(b);
    if (first.length) sink(first);
    socket.on("data", sink);
    socket.on("close", () => {
      child.streams.delete(socket);
      if (--child.open === 0) child.drained.resolve();
    });
  }

  private onControl(message: Record<string, unknown>): void {
    const child = this.children.get(Number(message.id));
    if (!child) return;
    switch (message.event) {
      case "spawned":
        child.forkedAt = performance.now();
        child.pid = Number(message.pid);
        mark(`app ${child.id} forked`);
        child.spawned.resolve(child.pid);
        break;
      case "spawn-failed":
        child.spawned.reject(new WarmUnavailable(String(message.message)));
        this.forget(child);
        break;
      case "exited":
        this.exited(child, typeof message.signal === "string" ? `it was stopped by ${message.signal}` : `it exited with code ${message.code}`);
        break;
    }
  }

  private exited(child: Child, reason: string): void {
    if (child.reaped) return;
    child.reaped = true;
    // Read what is still in the pipes before anyone reads the reason (a crash's last words).
    void Promise.race([child.drained.promise, delay(DRAIN_MS)]).then(() => {
      child.exited = reason;
      for (const socket of child.streams) socket.destroy();
      child.events.close();
      this.forget(child);
      child.exit.resolve();
    });
  }

  private forget(child: Child): void {
    this.children.delete(child.id);
    this.byNonce.delete(child.nonce);
  }

  private lost(why: string): void {
    if (this.dead !== undefined) return;
    this.dead = why;
    if (!this.closing) this.deaths++;
    untrack(this.proc);
    this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
    // The zygote's children die with it (PR_SET_PDEATHSIG); make sure, and settle their waits.
    for (const child of [...this.children.values()]) {
      if (child.pid === undefined) child.spawned.reject(new WarmUnavailable(why));
      else killGroup(child.pid, child.reaped);
      this.exited(child, `it was stopped: ${why}`);
    }
  }

  /**
   * Boots one app in a forked child. Throws WarmUnavailable when the zygote cannot take it (then
   * boot it cold); otherwise the outcome is what a cold boot of the same app gives.
   */
  async launch(options: LaunchOptions): Promise<BootOutcome> {
    const { ChannelReader, OutputBuffer, handshake, runnerArgs, runnerEnv } = await bootPath();
    if (this.dead !== undefined) throw new WarmUnavailable(this.dead);
    const id = ++this.nextId;
    const child: Child = {
      id,
      nonce: randomBytes(16).toString("hex"),
      events: new ChannelReader(),
      output: new OutputBuffer(),
      spawned: deferred<number>(),
      exit: deferred<void>(),
      reaped: false,
      streams: new Set(),
      open: 2,
      drained: deferred<void>(),
    };
    child.spawned.promise.catch(() => undefined);
    this.children.set(id, child);
    this.byNonce.set(child.nonce, { child, kinds: new Set() });
    // The same argv and environment a cold runner gets (see launch.ts), so runner.main() behaves
    // the same, isolation included.
    const request = { op: "spawn", id, nonce: child.nonce, argv: runnerArgs(options), env: runnerEnv(options), cwd: options.dir };
    const asked = performance.now();
    this.proc.stdin?.write(`${JSON.stringify(request)}\n`);
    const stuck = startDeadline(this.spawnTimeoutMs, () => {
      const why = `the warm server did not answer within ${this.spawnTimeoutMs / 1000} s`;
      child.spawned.reject(new WarmUnavailable(why));
      void this.abandon(why);
    });
    let pid: number;
    try {
      pid = await child.spawned.promise; // throws WarmUnavailable: the caller boots cold
    } finally {
      stuck.cancel();
    }
    live.add(pid);

    let killed: Promise<void> | undefined;
    const proc: AppProcess = {
      events: child.events,
      output: child.output,
      exitReason: () => child.exited,
      spawnError: () => undefined,
      finished: child.exit.promise,
      kill: () =>
        (killed ??= (async () => {
          killGroup(pid, child.reaped);
          await child.exit.promise;
          live.delete(pid);
        })()),
    };
    const outcome = await handshake(proc, { ...options, python: this.python });
    meterBoot(asked, child, performance.now());
    if ("problem" in outcome && this.dead !== undefined) {
      // The zygote died while this app was starting: that says nothing about the student's code.
      throw new WarmUnavailable(this.dead);
    }
    return outcome;
  }

  /** Gives up a zygote that misbehaves: it counts as lost, like one that died. */
  private async abandon(why: string): Promise<void> {
    if (this.dead !== undefined) return;
    this.lost(why); // kills its children too
    try {
      if (this.proc.pid) process.kill(-this.proc.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await this.proc.ended;
  }

  /** Stops the zygote (its children die with it) and removes its socket folder. */
  async close(): Promise<void> {
    if (this.dead === undefined) {
      this.closing = true;
      for (const child of this.children.values()) if (child.pid !== undefined) killGroup(child.pid, child.reaped);
      this.proc.stdin?.end();
      try {
        if (this.proc.pid) process.kill(-this.proc.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await this.proc.ended;
    this.lost("the warm server was closed");
  }
}

export interface WarmOptions {
  /** See SPAWN_TIMEOUT_MS. */
  spawnTimeoutMs?: number;
}

/**
 * A launcher that boots through a zygote and falls back to the cold path whenever the zygote is
 * unavailable. The zygote is started on first use (or now, with `prestart()`), once.
 */
export interface WarmLauncher {
  readonly launch: Launcher;
  /** Start the zygote now (it is otherwise started by the first launch). Never rejects. */
  prestart(python: string): Promise<void>;
  /** Like prestart(), with a zygote spawned already (warmStart.ts); stopped if one runs already. Never rejects. */
  adopt(spawned: SpawnedZygote): Promise<void>;
  /** Boots so far that went warm and cold. */
  readonly stats: { warm: number; cold: number; fallbackReason?: string };
  /** Times a zygote in use was lost: a run graded while this changed may have been spoilt by it. */
  losses(): number;
  /** The zygote in use, once started. */
  current(): WarmServer | undefined;
  close(): Promise<void>;
}

export function warmLauncher(options: WarmOptions = {}): WarmLauncher {
  let server: Promise<WarmServer | undefined> | undefined;
  let current: WarmServer | undefined;
  /** The zygote being started, before it is warm. */
  let starting: WarmServer | undefined;
  let python: string | undefined;
  let lost = 0;
  const stats: WarmLauncher["stats"] = { warm: 0, cold: 0 };

  const get = (wanted: string, spawned?: SpawnedZygote): Promise<WarmServer | undefined> => {
    if (!server || python !== wanted) {
      python = wanted;
      if (current) {
        lost += current.losses;
        void current.close();
        current = undefined;
      }
      server = (spawned ? WarmServer.adopt(spawned, options) : WarmServer.spawn(wanted, options))
        .then(async (warm) => {
          starting = warm;
          await warm.started;
          return (current = warm);
        })
        .catch((err: Error) => {
          stats.fallbackReason = err.message;
          return undefined;
        });
    }
    return server;
  };

  const launchWarm: Launcher = async (options) => {
    const { launch } = await bootPath();
    if (options.cold) {
      stats.cold++;
      return launch(options);
    }
    const warm = await get(options.python);
    if (warm?.alive) {
      try {
        const outcome = await warm.launch(options);
        stats.warm++;
        return outcome;
      } catch (err) {
        if (!(err instanceof WarmUnavailable)) throw err;
        stats.fallbackReason = err.message;
      }
    } else if (warm && !stats.fallbackReason) {
      stats.fallbackReason = "the warm server stopped";
    }
    stats.cold++;
    return launch(options);
  };

  return {
    launch: launchWarm,
    async prestart(wanted) {
      await get(wanted);
    },
    async adopt(spawned) {
      // One runs already for this Python: the surplus one is gone, its folder too, when this returns.
      if (server && python === spawned.python) await discard(spawned).catch(() => undefined);
      else await get(spawned.python, spawned);
    },
    stats,
    losses: () => lost + (current?.losses ?? 0),
    current: () => current,
    async close() {
      // A zygote still importing Flask is stopped now, not waited for.
      if (starting && starting !== current) await starting.close();
      await server;
      starting = undefined;
      server = undefined;
      const warm = current;
      current = undefined;
      if (warm) {
        lost += warm.losses;
        await warm.close();
      }
    },
  };
}

/** What to say on stderr when apps of a run booted cold although the warm path was in use; undefined when none did. */
export function coldBootNote(stats: WarmLauncher["stats"]): string | undefined {
  if (stats.cold === 0 || stats.fallbackReason === undefined) return undefined;
  return `${stats.cold} app${stats.cold === 1 ? "" : "s"} started cold, not through the warm server (${stats.fallbackReason}).`;
}

/** Stops a zygote no server took, and removes its socket folder. */
async function discard({ proc, dir }: SpawnedZygote): Promise<void> {
  try {
    if (proc.pid) process.kill(-proc.pid, "SIGKILL");
  } catch {
    // already gone
  }
  await proc.ended;
  untrack(proc);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Kills an app's process group, and the app itself in case it has not made its group yet (unless
 * it was reaped: then its pid may belong to someone else, while its group id cannot).
 */
function killGroup(pid: number, reaped = false): void {
  for (const target of reaped ? [-pid] : [-pid, pid]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Children still alive, killed when this process exits (the zygote's death would do it too). */
const live = new Set<number>();
process.on("exit", () => {
  for (const pid of live) killGroup(pid);
});

/** The cost meter's phases of a warm boot: asking for the fork, isolating, importing the app until ready. */
function meterBoot(asked: number, child: Child, done: number): void {
  if (child.forkedAt === undefined) return;
  addCost("fork", child.forkedAt - asked);
  const isolated = child.isolatedAt ?? child.forkedAt;
  addCost("isolate", isolated - child.forkedAt);
  addCost("import", done - isolated);
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
