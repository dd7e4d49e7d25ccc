// `exec`: a new process in a running container, through the runtime's own exec (runc grammar),
// so it works the same for nsbox-runtime, runc and crun.
import { closeSync, readFileSync } from "node:fs";
import { UserError } from "../common/errors.ts";
import { printErr } from "../common/output.ts";
import { capabilityNames, ownBoundingSet } from "../oci/capabilities.ts";
import type { Engine } from "./engine.ts";
import { runtimeCommand } from "./runtimes.ts";
import { resolveUser } from "./user.ts";
import { openRelayPty, relayPty } from "./exec-tty.ts";

export interface ExecOptions {
  cmd: string[];
  tty?: boolean;
  interactive?: boolean;
  detach?: boolean;
  env?: string[];
  workdir?: string;
  user?: string;
  privileged?: boolean;
  /** -it: the detach sequence (default Ctrl-P Ctrl-Q); detaching leaves the process running. */
  detachKeys?: Uint8Array;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Pure: the runtime's exec argv. */
export function execArgv(rt: { path: string; args: string[] }, id: string, o: ExecOptions, user?: string, caps?: string[]): string[] {
  const argv = [rt.path, ...rt.args, "exec"];
  if (o.tty) argv.push("--tty");
  if (o.detach) argv.push("--detach");
  for (const e of o.env ?? []) argv.push("--env", e);
  if (o.workdir) argv.push("--cwd", o.workdir);
  if (user) argv.push("--user", user);
  for (const c of o.privileged ? (caps ?? []) : []) argv.push("--cap", c);
  argv.push(id, ...o.cmd);
  return argv;
}

export async function execInContainer(e: Engine, ref: string, o: ExecOptions): Promise<number> {
  const r = e.row(ref);
  const st = e.state(r);
  if (!st.Running) throw new UserError(`container ${r.id} is not running`, 1);
  if (st.Paused) throw new UserError(`container ${r.id} is paused, unpause the container before exec`, 1);
  if (!o.cmd.length) throw new UserError("exec: no command given", 1);
  let user: string | undefined;
  if (o.user) {
    const rootfs = `/proc/${st.Pid}/root`;
    const u = resolveUser(o.user, readOr(`${rootfs}/etc/passwd`), readOr(`${rootfs}/etc/group`));
    user = `${u.uid}:${u.gid}`;
  }
  const rt = runtimeCommand(r.doc.HostConfig.Runtime, e.paths);
  // --privileged: every capability we hold (the container's bounding set still limits what sticks).
  const caps = o.privileged ? capabilityNames(ownBoundingSet()) : undefined;
  if (o.detach && rt.name === "nsbox") return execDetachedInline(e, r.id, o, user, caps);
  // -it on a terminal: our own pty in between, so we see the detach keys (exec-tty.ts). The
  // runtime gets its own session: the user's terminal hanging up must not reach a detached exec.
  const relay = o.tty && o.interactive && !o.detach && process.stdin.isTTY ? openRelayPty() : undefined;
  if (relay) relay.resize(process.stdout.rows || 24, process.stdout.columns || 80);
  const proc = Bun.spawn(execArgv(rt, r.id, o, user, caps), {
    stdio: relay ? [relay.peer, relay.peer, "pipe"] : [o.interactive ? "inherit" : "ignore", "inherit", "pipe"],
    detached: !!relay,
  });
  let relayed: Promise<boolean> | undefined;
  if (relay) {
    closeSync(relay.peer);
    // Our size changes go to the relay pty, and SIGWINCH to the runtime's process group (its own
    // session, so no terminal signals it): the runtime copies the new size to the container's pty.
    const onResize = () => {
      relay.resize(process.stdout.rows || 24, process.stdout.columns || 80);
      try {
        process.kill(-proc.pid, "SIGWINCH");
      } catch {}
    };
    process.stdout.on("resize", onResize);
    void proc.exited.then(() => process.stdout.off("resize", onResize));
    relayed = relayPty(relay, o.detachKeys);
    // docker's exec reports the detach as its EscapeError: "read escape sequence", exit 1.
    if (await Promise.race([relayed, proc.exited.then(() => false)])) return printErr("read escape sequence"), 1;
  }
  // Pass the process's stderr through, but recognize the runtime's own "not found" failure.
  let errText = "";
  const reader = (proc.stderr as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    errText = (errText + Buffer.from(value).toString()).slice(-4096);
    process.stderr.write(value);
  }
  const code = await proc.exited;
  await relayed; // the last output
  if (code !== 0 && /^nsbox-runtime: exec /m.test(errText)) {
    if (/No such file or directory|not found/i.test(errText)) return 127;
    if (/Permission denied/i.test(errText)) return 126;
    return 126;
  }
  return code;
}

/**
 * `exec -d` on the default runtime, in this process with the runtime's library: the process gets
 * /dev/null for stdin, stdout and stderr, as docker's exec -d (its output is discarded). Through
 * `nsbox-runtime exec --detach` (runc's grammar, kept for runc and crun) it would inherit the
 * runtime's stdio, our stderr pipe included, and we could not finish reading it until the
 * detached process exits: `nsbox exec -d C sleep 9 | cat` waited 9 s. The launcher reports its
 * failures over its sync socket, so none of them needs those fds.
 */
async function execDetachedInline(e: Engine, id: string, o: ExecOptions, user?: string, caps?: string[]): Promise<number> {
  const [{ exec }, { StateStore }, { OperationError }] = await Promise.all([import("../runtime/exec.ts"), import("../runtime/state.ts"), import("../runtime/errors.ts")]);
  try {
    return await exec(new StateStore(e.paths.runtimeRoot), {
      id, args: o.cmd, detach: true, env: o.env, cwd: o.workdir, user, capabilities: caps, stdio: ["ignore", "ignore", "ignore"],
    });
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    // runc's wording is "exec ID: DETAIL", docker's "exec failed: DETAIL" (126, or 127 for a
    // missing program): the runtime keeps the detail apart for us.
    const detail = err instanceof OperationError ? err.detail : err.message;
    throw new UserError(`exec failed: ${detail}`, err.exitCode === 127 ? 127 : 126);
  }
}

