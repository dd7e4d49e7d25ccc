// What the program inherits at exec: only fds 0-2 even when the launcher's own caller leaked
// others, no ignored or blocked signal, and argv[0] apart from the executable (PA_ARGV0).
// The leaky caller is a wrapper script run as the launcher (NSBOX_LAUNCHER) by a helper process
// that calls launch(): it opens fds without close-on-exec and ignores signals, then execs the
// real launcher. Needs root.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, LAUNCHER_PATH, LaunchError } from "../../src/linux/launcher.ts";
import type { LaunchPlan } from "../../src/linux/plan.ts";
import { CLONE } from "../../src/linux/plan-ids.ts";
import { busyboxPlan, ROOTFS, runWrapped as wrapped } from "./launcher-util.ts";

const usable = process.getuid?.() === 0 && existsSync(LAUNCHER_PATH) && existsSync(`${ROOTFS}/bin/busybox`);
const dir = mkdtempSync(join(tmpdir(), "nsbox-launcher-process-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runWrapped = (plan: LaunchPlan, wrapper?: string) => wrapped(dir, plan, wrapper);

const container = (args: string[], extra: Partial<LaunchPlan> = {}): LaunchPlan =>
  busyboxPlan(args, { mounts: [{ source: "proc", destination: "/proc", type: "proc", flags: 0 }], ...extra });

const LEAKY = `exec 7</dev/null 8>/dev/null 9<&0\ntrap '' HUP USR1 PIPE TERM\nexec "$LAUNCHER"`;
// The shell's own fds (it opens none for -c); the signal state of a program that is not a shell
// (busybox sh ignores SIGQUIT itself).
// No pipeline (the shell would hold its ends for a while), and not last (ash would exec ls).
const FDS = ["sh", "-c", "ls /proc/$$/fd; true"];
const SIGNALS = ["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"];
const NO_FDS = "0\n1\n2\n";
const NO_SIGNALS = "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n";

describe.skipIf(!usable)("the program's inheritance", () => {
  test("the wrapper really leaks: a plain exec sees fds 7-9 and ignored signals", () => {
    // The control: without the launcher's clean-up, this is what the program would get.
    const r = Bun.spawnSync(["sh", "-c", `exec 7</dev/null 8>/dev/null 9<&0; trap '' HUP USR1 PIPE TERM; exec sh -c 'ls /proc/$$/fd; grep ^SigIgn /proc/$$/status'`]);
    expect(r.stdout.toString()).toStartWith("0\n1\n2\n7\n8\n9\nSigIgn:\t");
    expect(r.stdout.toString()).not.toContain("SigIgn:\t0000000000000000");
  });

  for (const [name, extra] of [
    ["container (fork into a new PID namespace)", {}],
    ["no fork (stage 1 execs)", { noFork: true, newNamespaces: CLONE.NEWNS }],
    ["with no_new_privs and a terminal-less session", { noNewPrivileges: true, setsid: true }],
  ] as const) {
    test(`${name}: only fds 0-2, nothing blocked or ignored`, () => {
      const fds = runWrapped(container(FDS, extra as Partial<LaunchPlan>), LEAKY);
      expect(fds).toEqual({ code: 0, stdout: NO_FDS, stderr: "" });
      const signals = runWrapped(container(SIGNALS, extra as Partial<LaunchPlan>), LEAKY);
      expect(signals).toEqual({ code: 0, stdout: NO_SIGNALS, stderr: "" });
    });
  }

  test("launched from this process too (its open fds stay out)", async () => {
    const held = openSync(join(dir, "held"), "w"); // an fd open in the caller
    const out = join(dir, "out");
    const fd = openSync(out, "w");
    const l = await launch(container(FDS), { stdio: ["ignore", fd, fd] });
    expect(await l.exited).toBe(0);
    closeSync(fd);
    closeSync(held);
    expect(readFileSync(out, "utf8")).toBe(NO_FDS);
  });
});

describe.skipIf(!usable)("PA_ARGV0", () => {
  const busybox = `${ROOTFS}/bin/busybox`;
  test("busybox picks its applet from argv[0], the executable stays args[0]", () => {
    const r = runWrapped({ args: [busybox, "/proc/self/cmdline"], argv0: "cat", env: [], foreground: true }, 'exec "$LAUNCHER"');
    expect(r).toEqual({ code: 0, stdout: "cat\0/proc/self/cmdline\0", stderr: "" });
  });
  test("a login shell: argv[0] \"-sh\"", () => {
    const r = runWrapped(container(["/bin/sh", "-c", "echo $0"], { argv0: "-sh" }), 'exec "$LAUNCHER"');
    expect(r).toEqual({ code: 0, stdout: "-sh\n", stderr: "" });
  });
  test("a missing executable is named by args[0], not argv[0]", async () => {
    const err = await launch({ args: ["/nonexistent/prog"], argv0: "-prog", env: [], foreground: true }).catch((e) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect([err.step, err.path, err.code]).toEqual(["exec", "/nonexistent/prog", "ENOENT"]);
  });
});
