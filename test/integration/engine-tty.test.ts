// -it through a real pseudo-terminal: script(1) gives the CLI a pty, as a user's terminal would.
// The container's shell gets its own pty (held by the monitor), echoes, and its exit code comes back.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { EngineLab, NSBOX } from "./engine-util.ts";

let lab: EngineLab;
beforeAll(() => {
  lab = new EngineLab();
});
afterAll(async () => {
  await lab.destroy();
});

/** Runs argv under script(1), typing `keys` (each after a pause), and returns output and status. */
async function underPty(argv: string[], keys: string[]): Promise<{ code: number; out: string }> {
  const cmd = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const p = Bun.spawn(["script", "-qfec", cmd, "/dev/null"], { env: lab.env, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  for (const k of keys) {
    await Bun.sleep(400);
    p.stdin.write(k);
    p.stdin.flush();
  }
  await Bun.sleep(300);
  p.stdin.end();
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  return { code, out };
}

test("run --rm -it: an interactive shell on a pty; exit code; removed", async () => {
  const r = await underPty([...NSBOX, "run", "--rm", "-it", "--net", "none", "busybox", "sh"], ["echo hello-$((6*7))\r", "tty; stty size; exit 3\r"]);
  expect(r.out).toContain("hello-42");
  expect(r.out).toMatch(/\/dev\/pts\/0/);
  expect(r.code).toBe(3);
  expect(lab.ok(["ps", "-aq"])).toBe("");
}, 15000);

test("run -it and exec -it: the container's lines reach our terminal as \\r\\n, not \\r\\r\\n (output processing off, as docker's raw mode)", async () => {
  // Bun's raw mode keeps the terminal's output processing on, which turned the container pty's
  // "\r\n" into "\r\r\n" on ours; stdin stays open (no keys) until the container has printed.
  expect((await underPty([...NSBOX, "run", "--rm", "-it", "--net", "none", "busybox", "echo", "one"], [])).out).toBe("one\r\n");
  lab.ok(["run", "-d", "--name", "crlf", "--net", "none", "busybox", "sleep", "60"]);
  expect((await underPty([...NSBOX, "exec", "-it", "crlf", "echo", "two"], [])).out).toBe("two\r\n");
  lab.ok(["rm", "-f", "crlf"]);
}, 15000);

test("exec -it into a running container", async () => {
  lab.ok(["run", "-d", "--name", "tty", "--net", "none", "busybox", "sleep", "60"]);
  const r = await underPty([...NSBOX, "exec", "-it", "tty", "sh"], ["echo in-$((1+1)); tty\r", "exit 4\r"]);
  expect(r.out).toContain("in-2");
  expect(r.out).toMatch(/\/dev\/pts\/\d+/);
  expect(r.code).toBe(4);
  lab.ok(["rm", "-f", "tty"]);
}, 15000);

test("a detached -t container logs its pty output", async () => {
  lab.ok(["run", "-d", "-t", "--name", "dt", "--net", "none", "busybox", "sh", "-c", "tty; echo done"]);
  expect(lab.ok(["wait", "dt"])).toBe("0");
  expect(lab.nsbox(["logs", "dt"]).stdout).toBe("/dev/pts/0\r\ndone\r\n");
  lab.ok(["rm", "dt"]);
});

test("the pty starts with our terminal's size and follows its changes", async () => {
  const nsbox = NSBOX.map((a) => `'${a}'`).join(" ");
  // `<$T`: a non-interactive sh gives a background job /dev/null as stdin, and -it needs a terminal.
  const script = `T=$(tty); stty rows 33 cols 99; ${nsbox} run --rm -it --net none busybox sh -c 'stty size; sleep 1; stty size' <$T & sleep 0.6; stty rows 40 cols 120; wait`;
  const p = Bun.spawn(["script", "-qfec", script, "/dev/null"], { env: lab.env, stdin: "pipe", stdout: "pipe" });
  const out = await new Response(p.stdout).text();
  p.stdin.end();
  expect(out.replace(/\r/g, "")).toBe("33 99\n40 120\n");
}, 15000);

test("Ctrl-P Ctrl-Q detaches from run -it; the container runs on and attach finds it again", async () => {
  const r = await underPty([...NSBOX, "run", "-it", "--name", "detached", "--net", "none", "busybox", "sh"], ["echo before\r", "\x10\x11"]);
  expect(r.code).toBe(0);
  expect(r.out).toContain("before");
  expect(lab.inspect("detached").State.Running).toBe(true);
  const again = await underPty([...NSBOX, "attach", "detached"], ["echo again-$((2+3))\r", "exit 6\r"]);
  expect(again.out).toContain("again-5");
  expect(again.code).toBe(6);
  lab.ok(["rm", "detached"]);
}, 15000);

test("--detach-keys on run -it, start -ai and attach: custom sequences; docker's exit codes", async () => {
  // run: ctrl-a,x detaches (exit 0, silent); the default Ctrl-P Ctrl-Q is then just input.
  const r = await underPty([...NSBOX, "run", "-it", "--detach-keys", "ctrl-a,x", "--name", "dk", "--net", "none", "busybox", "sh"], ["echo one\r", "\x10\x11echo two\r", "\x01x"]);
  expect(r.code).toBe(0);
  expect(r.out).toContain("two");
  expect(r.out).not.toContain("read escape sequence");
  expect(lab.inspect("dk").State.Running).toBe(true);
  // attach: a single key; docker's attach says "read escape sequence" and exits 1.
  const a = await underPty([...NSBOX, "attach", "--detach-keys", "q", "dk"], ["echo three\r", "q"]);
  expect(a.code).toBe(1);
  expect(a.out).toContain("three");
  expect(a.out).toContain("read escape sequence");
  expect(lab.inspect("dk").State.Running).toBe(true);
  lab.ok(["stop", "-t", "0", "dk"]);
  // start -ai: ctrl-@ (NUL) and ctrl-[ (ESC).
  const s = await underPty([...NSBOX, "start", "-ai", "--detach-keys", "ctrl-@,ctrl-[", "dk"], ["echo four\r", "\x00\x1b"]);
  expect(s.code).toBe(0);
  expect(s.out).toContain("four");
  expect(lab.inspect("dk").State.Running).toBe(true);
  lab.ok(["rm", "-f", "dk"]);
}, 20000);

test("an invalid --detach-keys: one clear line, 125, nothing created", () => {
  const before = lab.ok(["ps", "-aq"]);
  for (const args of [["run", "-it", "--detach-keys", "ctrl-1", "busybox", "sh"], ["attach", "--detach-keys", "ab", "x"], ["start", "-a", "--detach-keys", "ctrl-", "x"]]) {
    const r = lab.nsbox(args);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^nsbox: invalid detach keys "[^"]*": unknown key '[^']*' \(.*\)\n$/);
  }
  expect(lab.ok(["ps", "-aq"])).toBe(before);
});

test("exec -it: the detach keys leave the exec'd shell running (docker: 'read escape sequence', exit 1)", async () => {
  lab.ok(["run", "-d", "--name", "xdk", "--net", "none", "busybox", "sleep", "60"]);
  const r = await underPty([...NSBOX, "exec", "-it", "--detach-keys", "ctrl-x", "xdk", "sh", "-c", "echo started; stty size; exec sleep 30"], ["\x18"]);
  expect(r.code).toBe(1);
  expect(r.out).toContain("started");
  expect(r.out).toContain("read escape sequence");
  expect(r.out).toMatch(/\d+ \d+/); // a real window size, not 0 0
  expect(r.out).not.toMatch(/^0 0/m);
  expect(lab.ok(["exec", "xdk", "ps", "-o", "args"])).toContain("sleep 30"); // the exec'd process lives on
  // And with the default keys an exec's exit code still comes back.
  const d = await underPty([...NSBOX, "exec", "-it", "xdk", "sh"], ["echo x-$((3*3))\r", "exit 5\r"]);
  expect(d.code).toBe(5);
  expect(d.out).toContain("x-9");
  lab.ok(["rm", "-f", "xdk"]);
}, 20000);

test("exec -it through the relay pty: starts with our size and follows its changes", async () => {
  lab.ok(["run", "-d", "--name", "xsz", "--net", "none", "busybox", "sleep", "60"]);
  const nsbox = NSBOX.map((a) => `'${a}'`).join(" ");
  const script = `T=$(tty); stty rows 33 cols 99; (sleep 1; stty -F $T rows 40 cols 120) & exec ${nsbox} exec -it xsz sh -c 'stty size; sleep 1.6; stty size'`;
  const p = Bun.spawn(["script", "-qfec", script, "/dev/null"], { env: lab.env, stdin: "pipe", stdout: "pipe" });
  const out = await new Response(p.stdout).text();
  p.stdin.end();
  expect(out.replace(/\r/g, "")).toBe("33 99\n40 120\n");
  lab.ok(["rm", "-f", "xsz"]);
}, 15000);

test("-i -t with stdin not a terminal: docker's refusal, exit 1, nothing created (run and exec); -t alone or -d is fine", async () => {
  const msg = "nsbox: cannot attach stdin to a TTY-enabled container because stdin is not a terminal\n";
  const before = lab.ok(["ps", "-aq"]);
  // A real pipe, as `echo 'echo hi' | nsbox run -it --rm busybox sh` (which hung before).
  const piped = async (args: string[]) => {
    const p = Bun.spawn(["sh", "-c", `echo 'echo hi' | exec "$@"`, "sh", ...NSBOX, ...args], { env: lab.env, stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => p.kill("SIGKILL"), 10_000);
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    clearTimeout(timer);
    return { code, stdout, stderr };
  };
  expect(await piped(["run", "-it", "--rm", "--net", "none", "busybox", "sh"])).toEqual({ code: 1, stdout: "", stderr: msg });
  expect(lab.ok(["ps", "-aq"])).toBe(before);
  lab.ok(["run", "-d", "--name", "notty", "--net", "none", "busybox", "sleep", "30"]);
  expect(await piped(["exec", "-it", "notty", "sh"])).toEqual({ code: 1, stdout: "", stderr: msg });
  expect(await piped(["exec", "-i", "notty", "sh"])).toEqual({ code: 0, stdout: "hi\n", stderr: "" });
  expect(await piped(["run", "--rm", "-t", "--net", "none", "busybox", "echo", "tty-out"])).toEqual({ code: 0, stdout: "tty-out\r\n", stderr: "" });
  const d = await piped(["run", "-dit", "--name", "dit", "--net", "none", "busybox", "sh"]);
  expect(d.code).toBe(0);
  expect(lab.inspect("dit").State.Running).toBe(true);
  lab.ok(["rm", "-f", "notty", "dit"]);
}, 20000);

test("start -ai of a -t container does not proxy signals (docker's start): SIGTERM ends the CLI, the container runs on", async () => {
  lab.ok(["create", "-it", "--name", "nosig", "--net", "none", "busybox", "sh"]);
  const pidFile = `${lab.root}/start-cli.pid`;
  const nsbox = NSBOX.map((a) => `'${a}'`).join(" ");
  const p = Bun.spawn(["script", "-qfec", `echo $$ > ${pidFile}; exec ${nsbox} start -ai nosig`, "/dev/null"], { env: lab.env, stdin: "pipe", stdout: "pipe" });
  await lab.until("the attached start", () => lab.inspect("nosig").State.Running && Bun.file(pidFile).size > 0, 10_000);
  await Bun.sleep(300);
  process.kill(Number(await Bun.file(pidFile).text()), "SIGTERM");
  // Proxied, the SIGTERM would go to the container's interactive sh, which ignores it, and the CLI
  // would stay attached until our SIGKILL.
  let stuck = false;
  const timer = setTimeout(() => ((stuck = true), p.kill("SIGKILL")), 8_000);
  await p.exited;
  clearTimeout(timer);
  expect(stuck).toBe(false);
  expect(p.exitCode).toBe(143); // 128 + SIGTERM, after giving the terminal back
  expect(lab.inspect("nosig").State.Running).toBe(true);
  expect(lab.ok(["exec", "nosig", "sh", "-c", "echo alive"])).toBe("alive");
  lab.ok(["rm", "-f", "nosig"]);
}, 20000);
