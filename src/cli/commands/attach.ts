// `nsbox attach [--no-stdin] [--sig-proxy=false] CONTAINER`: the running container's output (and
// stdin) through its monitor's attach socket, until it exits; exit status is the container's.
import { UserError } from "../../common/errors.ts";
import { attach, resize } from "../../engine/attach.ts";
import { openEngine, parse, usage } from "../../engine/cli/common.ts";
import { killContainer, waitContainer } from "../../engine/ops.ts";

export const summary = "Attach local standard input, output, and error streams to a running container";

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(argv, { "no-stdin": { type: "boolean" }, "sig-proxy": { type: "string" } }, "attach");
  if (v.help) return console.log(usage("attach [OPTIONS] CONTAINER", summary, ["--no-stdin", "--sig-proxy=true|false"])), 0;
  if (positionals.length !== 1) throw new UserError('"attach" requires exactly 1 argument.', 1);
  const e = openEngine(v);
  const r = e.row(positionals[0]!);
  if (!e.state(r).Running) throw new UserError("You cannot attach to a stopped container, start it first", 1);
  const tty = r.doc.Config.Tty;
  const stdin = !v["no-stdin"] && r.doc.Config.OpenStdin;
  const conn = await attach({ socket: e.paths.socket(r.id), ctl: `${e.paths.dir(r.id)}/ctl`, tty, stdin });
  const proxy = v["sig-proxy"] !== "false" && !tty;
  const forward = (sig: NodeJS.Signals) => {
    try {
      killContainer(e, r.id, sig);
    } catch {}
  };
  if (proxy) for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, forward);
  if (tty && process.stdout.isTTY) resize(`${e.paths.dir(r.id)}/ctl`, process.stdout.rows, process.stdout.columns);
  const raw = tty && stdin && process.stdin.isTTY;
  if (raw) process.stdin.setRawMode(true);
  await conn.done;
  if (raw) process.stdin.setRawMode(false);
  if (stdin) process.stdin.pause();
  // Detach keys, or the stream ended on our side (our stdout closed), while the container runs on.
  if (conn.detached) return 0;
  const st = e.state(r);
  if (st.Running && !st.Restarting) return 0;
  return waitContainer(e, r.id);
}
