// `nsbox attach [--no-stdin] [--sig-proxy=false] CONTAINER`: the running container's output (and
// stdin) through its monitor's attach socket, until it exits; exit status is the container's.
import { printErr } from "../../common/output.ts";
import { UserError } from "../../common/errors.ts";
import { attach, resize } from "../../engine/attach.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { parseDetachKeys } from "../../engine/detach-keys.ts";
import { killContainer, waitContainer } from "../../engine/ops.ts";
import { setRawTerminal } from "../../engine/raw-terminal.ts";

export const summary = "Attach local standard input, output, and error streams to a running container";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { "no-stdin": { type: "boolean" }, "sig-proxy": { type: "string" }, "detach-keys": { type: "string" } }, "attach");
  if (v.help) return console.log(usage("attach [OPTIONS] CONTAINER", summary, ["--detach-keys string   e.g. ctrl-a,x (default ctrl-p,ctrl-q)", "--no-stdin", "--sig-proxy=true|false"])), 0;
  if (positionals.length !== 1) throw new UserError('"attach" requires exactly 1 argument.', 1);
  const detachKeys = parseDetachKeys(v["detach-keys"] as string | undefined);
  const e = openEngine(v);
  const r = e.row(positionals[0]!);
  if (!e.state(r).Running) throw new UserError("You cannot attach to a stopped container, start it first", 1);
  const tty = r.doc.Config.Tty;
  const stdin = !v["no-stdin"] && r.doc.Config.OpenStdin;
  const conn = await attach({ socket: e.paths.socket(r.id), ctl: `${e.paths.dir(r.id)}/ctl`, tty, stdin, detachKeys });
  const proxy = v["sig-proxy"] !== "false" && !tty;
  const forward = (sig: NodeJS.Signals) => {
    try {
      killContainer(e, r.id, sig);
    } catch {}
  };
  if (proxy) for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, forward);
  if (tty && process.stdout.isTTY) resize(`${e.paths.dir(r.id)}/ctl`, process.stdout.rows, process.stdout.columns);
  const raw = tty && stdin && process.stdin.isTTY;
  if (raw) setRawTerminal(true);
  await conn.done;
  if (raw) setRawTerminal(false);
  if (stdin) process.stdin.pause();
  // The detach keys: docker's attach reports its EscapeError, "read escape sequence", and exits 1
  // (run and start -a exit 0 silently); the container runs on.
  if (conn.detached) return printErr("read escape sequence"), 1;
  // The stream ended on our side (our stdout closed) while the container runs on.
  const st = e.state(r);
  if (st.Running && !st.Restarting) return 0;
  return waitContainer(e, r.id);
}
