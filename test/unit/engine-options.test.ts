// `run`/`create` flag parsing (docker's flags -> create request), without root.
import { describe, expect, test } from "bun:test";
import { UserError } from "../../src/common/errors.ts";
import { parseBytes, parseRestart, parseRunArgs } from "../../src/engine/run-options.ts";

const req = (args: string[]) => parseRunArgs(args, "run").request;
const err = (args: string[]) => {
  try {
    parseRunArgs(args, "run");
  } catch (e) {
    return e as UserError;
  }
  throw new Error("no error");
};

describe("parseRunArgs", () => {
  test("image, command, and flags that stop at the image", () => {
    const o = parseRunArgs(["-d", "--name", "db", "busybox", "sh", "-c", "echo -n hi"], "run");
    expect(o.detach).toBe(true);
    expect(o.request.name).toBe("db");
    expect(o.request.Config).toMatchObject({ Image: "busybox", Cmd: ["sh", "-c", "echo -n hi"], Entrypoint: null, AttachStdout: false });
  });

  test("grouped short flags, env, workdir, user, hostname, labels", () => {
    process.env.NSBOX_TEST_PASS = "through";
    const r = req(["-it", "-e", "A=1", "-e", "NSBOX_TEST_PASS", "-e", "NSBOX_TEST_UNSET", "-w", "/w", "-u", "1:2", "-h", "box", "-l", "a=b", "-l", "flag", "busybox"]);
    expect(r.Config).toMatchObject({
      Tty: true, OpenStdin: true, StdinOnce: true, AttachStdin: true, Env: ["A=1", "NSBOX_TEST_PASS=through"],
      WorkingDir: "/w", User: "1:2", Hostname: "box", Labels: { a: "b", flag: "" }, Cmd: null,
    });
  });

  test("--entrypoint replaces the image's; empty clears it", () => {
    expect(req(["--entrypoint", "redis-cli", "redis", "ping"]).Config).toMatchObject({ Entrypoint: ["redis-cli"], Cmd: ["ping"] });
    expect(req(["--entrypoint", "", "redis"]).Config.Entrypoint).toEqual([]);
  });

  test("host config: namespaces, resources, security, restart, runtime", () => {
    const h = req([
      "--net", "container:db", "--pid", "host", "--ipc", "shareable", "--uts", "host", "-m", "64m", "--memory-swap", "128m",
      "--cpus", "0.5", "--cpu-shares", "512", "--pids-limit", "50", "--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD",
      "--privileged", "--read-only", "--security-opt", "no-new-privileges", "--restart", "on-failure:3", "--runtime", "runc",
      "--tmpfs", "/run:size=1m", "-v", "/tmp:/data:ro", "busybox",
    ]).HostConfig!;
    expect(h).toMatchObject({
      NetworkMode: "container:db", PidMode: "host", IpcMode: "shareable", UTSMode: "host", Memory: 64 << 20, MemorySwap: 128 << 20,
      NanoCpus: 500000000, CpuShares: 512, PidsLimit: 50, CapAdd: ["NET_ADMIN"], CapDrop: ["MKNOD"], Privileged: true,
      ReadonlyRootfs: true, SecurityOpt: ["no-new-privileges"], RestartPolicy: { Name: "on-failure", MaximumRetryCount: 3 },
      Runtime: "runc", Tmpfs: { "/run": "size=1m" }, Binds: ["/tmp:/data:ro"],
    });
    expect(req(["--network", "none", "busybox"]).HostConfig!.NetworkMode).toBe("none");
    expect(req(["busybox"]).HostConfig!.NetworkMode).toBe("default");
  });

  test("bad values: one line, exit 125", () => {
    const cases: [string[], RegExp][] = [
      [["-m", "lots", "busybox"], /invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'/],
      [["--restart", "sometimes", "busybox"], /invalid restart policy: sometimes/],
      [["--restart", "always", "--rm", "busybox"], /Conflicting options: --restart and --rm/],
      [["--cpus", "0", "busybox"], /--cpus/],
      [["--pids-limit", "x", "busybox"], /--pids-limit/],
      [["--net", "container:", "busybox"], /invalid NET mode/],
      [["--ipc", "weird", "busybox"], /invalid IPC mode: weird/],
      [["-m", "64m", "--memory-swap", "32m", "busybox"], /memoryswap limit should be larger/],
      [["--net", "container:db", "-h", "x", "busybox"], /conflicting options: hostname/],
      [["--bogus", "busybox"], /unrecognized option '--bogus'/],
      [[], /requires at least 1 argument/],
    ];
    for (const [args, re] of cases) {
      const e = err(args);
      expect(e).toBeInstanceOf(UserError);
      expect(e.exitCode).toBe(125);
      expect(e.message).toMatch(re);
      expect(e.message).not.toContain("\n");
    }
  });
});

test("parseBytes: docker's 1024-based units", () => {
  expect(parseBytes("-m", "512")).toBe(512);
  expect(parseBytes("-m", "1k")).toBe(1024);
  expect(parseBytes("-m", "1.5g")).toBe(1.5 * 1024 ** 3);
  expect(parseBytes("-m", "64MB")).toBe(64 << 20);
  expect(() => parseBytes("-m", "-1m")).toThrow(/invalid size/);
});

test("parseRestart", () => {
  expect(parseRestart("no")).toEqual({ Name: "no", MaximumRetryCount: 0 });
  expect(parseRestart("unless-stopped")).toEqual({ Name: "unless-stopped", MaximumRetryCount: 0 });
  expect(parseRestart("on-failure")).toEqual({ Name: "on-failure", MaximumRetryCount: 0 });
  expect(() => parseRestart("always:3")).toThrow(/invalid restart policy/);
  expect(() => parseRestart("on-failure:x")).toThrow(/maximum retry count/);
});
