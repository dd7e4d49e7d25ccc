// runc's --preserve-fds N: the runtime's fds 3 .. 2+N reach the container's process as its own
// 3 .. 2+N (create/run and exec), and nothing else does. Root only.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canRun, Sandbox, testSpec } from "../helpers/runtime.ts";

let sb: Sandbox;
let opened: number[] = [];
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(async () => {
  for (const fd of opened) closeSync(fd);
  opened = [];
  expect(await sb.cleanup()).toEqual([]);
});

/** A host file to read from (its content known) and one to write to, opened here. */
function hostFiles(): { readFd: number; writeFd: number; written: string } {
  const input = join(sb.dir, "input");
  const written = join(sb.dir, "written");
  writeFileSync(input, "from the host\n");
  writeFileSync(written, "");
  const readFd = openSync(input, "r");
  const writeFd = openSync(written, "w");
  opened.push(readFd, writeFd);
  return { readFd, writeFd, written };
}

// The shell's own fds (ls not in a pipeline: the shell would hold the pipe's ends for a moment,
// which ls could list), then what it read from fd 3; it writes to fd 4.
const script = "ls /proc/$$/fd; cat <&3; echo from the container >&4";

describe.skipIf(!canRun)("--preserve-fds", () => {
  test("run: fds 3 and 4 are the caller's files, and no other fd is open", () => {
    const { readFd, writeFd, written } = hostFiles();
    const bundle = sb.bundle(testSpec(["sh", "-c", script]));
    const r = sb.rt(["run", "--preserve-fds", "2", "--bundle", bundle, sb.id()], { passFds: [readFd, writeFd] });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout).toBe("0\n1\n2\n3\n4\nfrom the host\n");
    expect(readFileSync(written, "utf8")).toBe("from the container\n");
  });

  test("without the flag the same fds are not passed on", () => {
    const { readFd, writeFd } = hostFiles();
    const bundle = sb.bundle(testSpec(["sh", "-c", "ls /proc/$$/fd; true"]));
    const r = sb.rt(["run", "--bundle", bundle, sb.id()], { passFds: [readFd, writeFd] });
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 0, stderr: "", stdout: "0\n1\n2\n" });
  });

  test("exec: the caller's fd reaches the exec'd process as fd 3", () => {
    const { writeFd, written } = hostFiles();
    const id = sb.id();
    const bundle = sb.bundle(testSpec(["sleep", "60"]));
    expect(sb.rt(["run", "-d", "--bundle", bundle, id]).code).toBe(0);
    // the exec's fd 3 is the caller's write end: exec gets one fd, the written file
    const r = sb.rt(["exec", "--preserve-fds", "1", id, "sh", "-c", "ls /proc/$$/fd; echo exec >&3"], { passFds: [writeFd] });
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 0, stderr: "", stdout: "0\n1\n2\n3\n" });
    expect(readFileSync(written, "utf8")).toBe("exec\n");
    expect(sb.rt(["delete", "--force", id]).code).toBe(0);
  });

  test("more fds asked for than given: one line naming the fd, and no container left", () => {
    const { readFd } = hostFiles();
    const id = sb.id();
    const bundle = sb.bundle(testSpec(["true"]));
    const r = sb.rt(["run", "--preserve-fds", "2", "--bundle", bundle, id], { passFds: [readFd] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^nsbox-runtime: run ${id}: --preserve-fds 2: fd 4 (is not open|was not passed to nsbox-runtime \\(it is its own event\\w+\\))\\n$`));
    expect(existsSync(join(sb.root, id))).toBe(false);
  });

  test("a value that is not a number is refused", () => {
    const id = sb.id();
    const r = sb.rt(["create", "--preserve-fds", "two", "--bundle", sb.bundle(testSpec(["true"])), id]);
    expect(r).toEqual({ code: 1, stdout: "", stderr: `nsbox-runtime: create ${id}: --preserve-fds "two": expected a number of file descriptors\n` });
  });
});
