/**
 * The app's files over one grading (a spec's `state:`): which private copy the next boot uses and
 * whether that boot runs the setup steps. `per-exercise` (the default, and how grading always
 * worked): one copy for every check and restart, set up once, by the first boot that gives an
 * app. `per-check`: before each check after the first, a fresh copy of the submission, set up
 * again (the SQLite database a check wrote is gone).
 */
import type { StateScope } from "../spec/types.js";
import type { Sandbox } from "./isolation.js";

export const DEFAULT_STATE_SCOPE: StateScope = "per-exercise";

export class AppState {
  private setUp = false;
  /** A boot on this copy began its setup steps (they may have written half of what they write). */
  private setupTried = false;
  private checksBegun = 0;
  /** The current check's own setup steps, for the boot that begins it. */
  private checkSteps: readonly unknown[] = [];

  constructor(
    private sandbox: Sandbox,
    readonly scope: StateScope,
    /** Makes another private copy of the submission (prepareSandbox with the same options). */
    private readonly makeCopy: () => Promise<Sandbox>,
  ) {}

  /** The private copy the app runs on now. */
  get copy(): Sandbox {
    return this.sandbox;
  }

  /**
   * The setup steps the next boot runs: all of them until a boot on this copy has given an app.
   * Setup that was begun on this copy and did not end in an app (a step ran out of time, the
   * machine lost the boot) is run again on a fresh copy: a retry shares nothing with its attempt.
   */
  async stepsForBoot<T>(steps: readonly T[]): Promise<readonly T[]> {
    const own = this.checkSteps as readonly T[];
    if (this.setUp || steps.length === 0) return this.setUp ? own : [...steps, ...own];
    if (this.setupTried) await this.renew();
    this.setupTried = true;
    return [...steps, ...own];
  }

  /** A boot on this copy gave an app: its setup (and the check's own) is done, later boots on it skip it. */
  booted(): void {
    this.setUp = true;
    this.checkSteps = [];
  }

  /**
   * A check (or its retry) is about to run with its own setup steps (`runs`: false for a check
   * that will be skipped): whether the app must start again first, on a fresh copy (per-check
   * state) or to run the check's own steps.
   */
  beginCheck(ownSteps: readonly unknown[], runs: boolean): { restart: boolean; fresh: boolean } {
    this.checkSteps = runs ? ownSteps : [];
    if (!runs) return { restart: false, fresh: false };
    const fresh = this.scope === "per-check" && this.checksBegun++ > 0;
    return { restart: fresh || ownSteps.length > 0, fresh };
  }

  /** Replaces the copy with a fresh one (the app must be stopped first); its setup runs again. */
  async renew(): Promise<void> {
    const old = this.sandbox;
    await old.dispose();
    this.sandbox = await this.makeCopy();
    this.setUp = false;
    this.setupTried = false;
  }

  /** Removes the current copy (after the app is stopped). */
  dispose(): Promise<void> {
    return this.sandbox.dispose();
  }
}
