// config.json validation: every rule gives an error that names the JSON field, e.g.
//   config.json: process.cwd: must be an absolute path, not "home"
// (the compiler's own checks are in compile.test.ts). No root needed.
import { describe, expect, test } from "bun:test";
import { compileCreate } from "../../src/oci/compile.ts";
import { defaultSpec } from "../../src/oci/defaults.ts";
import { ConfigError, parseConfig, validateSpec } from "../../src/oci/validate.ts";

function configError(s: unknown, needProcess = true): string {
  try {
    const v = validateSpec(JSON.parse(JSON.stringify(s)), needProcess);
    compileCreate(v, { bundle: "/bundles/b1", host: { cgroupHierarchies: [{ name: "", version: 2, options: "" }] } });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("validation errors name the JSON field", () => {
  const cases: [string, (c: Record<string, any>) => void, RegExp][] = [
    ["missing process", (c) => delete c.process, /^config\.json: process: is required/],
    ["missing ociVersion", (c) => delete c.ociVersion, /^config\.json: ociVersion: is required/],
    ["root not an object", (c) => (c.root = "rootfs"), /^config\.json: root: must be an object/],
    ["root.path missing", (c) => (c.root = {}), /^config\.json: root\.path: is required/],
    ["unknown namespace type", (c) => c.linux.namespaces.push({ type: "bogus" }), /^config\.json: linux\.namespaces\[6\]\.type: unknown namespace type "bogus"/],
    ["duplicate namespace", (c) => c.linux.namespaces.push({ type: "pid" }), /^config\.json: linux\.namespaces\[6\]\.type: namespace "pid" listed twice/],
    ["namespace path not a string", (c) => (c.linux.namespaces[0].path = 5), /^config\.json: linux\.namespaces\[0\]\.path: must be a string/],
    ["bad env", (c) => c.process.env.push("JUSTKEY"), /^config\.json: process\.env\[2\]: "JUSTKEY" is not KEY=VALUE/],
    ["env not strings", (c) => (c.process.env = [1]), /^config\.json: process\.env\[0\]: must be a string/],
    ["relative cwd", (c) => (c.process.cwd = "home"), /^config\.json: process\.cwd: must be an absolute path, not "home"/],
    ["missing cwd", (c) => delete c.process.cwd, /^config\.json: process\.cwd: is required/],
    ["empty args", (c) => (c.process.args = []), /^config\.json: process\.args: must be a non-empty array/],
    ["args not an array", (c) => (c.process.args = "sh"), /^config\.json: process\.args: must be an array/],
    ["missing user", (c) => delete c.process.user, /^config\.json: process\.user: is required/],
    ["negative uid", (c) => (c.process.user.uid = -1), /^config\.json: process\.user\.uid: must be an integer >= 0/],
    ["fractional gid", (c) => (c.process.user.gid = 1.5), /^config\.json: process\.user\.gid: must be an integer/],
    ["bad additionalGids", (c) => (c.process.user.additionalGids = ["x"]), /^config\.json: process\.user\.additionalGids\[0\]: must be an integer/],
    ["rlimit without type", (c) => (c.process.rlimits = [{ soft: 1, hard: 1 }]), /^config\.json: process\.rlimits\[0\]\.type: is required/],
    ["oomScoreAdj too low", (c) => (c.process.oomScoreAdj = -1001), /^config\.json: process\.oomScoreAdj: must be an integer >= -1000/],
    ["capabilities not strings", (c) => (c.process.capabilities.bounding = [1]), /^config\.json: process\.capabilities\.bounding\[0\]: must be a string/],
    ["mount without destination", (c) => c.mounts.push({ type: "tmpfs" }), /^config\.json: mounts\[7\]\.destination: is required/],
    ["mount options not strings", (c) => (c.mounts[0].options = [1]), /^config\.json: mounts\[0\]\.options\[0\]: must be a string/],
    ["mounts not an array", (c) => (c.mounts = {}), /^config\.json: mounts: must be an array/],
    ["uid mapping size 0", (c) => (c.linux.uidMappings = [{ containerID: 0, hostID: 0, size: 0 }]), /^config\.json: linux\.uidMappings\[0\]\.size: must be an integer >= 1/],
    ["device type", (c) => (c.linux.devices = [{ path: "/dev/x", type: "z" }]), /^config\.json: linux\.devices\[0\]\.type: unknown device type "z"/],
    ["device major", (c) => (c.linux.devices = [{ path: "/dev/x", type: "c", minor: 1 }]), /^config\.json: linux\.devices\[0\]\.major: is required/],
    ["sysctl value", (c) => (c.linux.sysctl = { "net.ipv4.ip_forward": 1 }), /^config\.json: linux\.sysctl\.net\.ipv4\.ip_forward: must be a string/],
    ["hook without path", (c) => (c.hooks = { prestart: [{}] }), /^config\.json: hooks\.prestart\[0\]\.path: is required/],
    ["intelRdt", (c) => (c.linux.intelRdt = { closID: "x" }), /^config\.json: linux\.intelRdt: Intel RDT \(resctrl\) is not supported by nsbox-runtime$/],
    ["netDevices", (c) => (c.linux.netDevices = { eth1: {} }), /^config\.json: linux\.netDevices: moving network devices into the container is not supported/],
    ["hostname not a string", (c) => (c.hostname = 1), /^config\.json: hostname: must be a string/],
    ["top level not an object", () => {}, /^config\.json: \(top level\): must be an object/],
  ];
  for (const [name, edit, want] of cases) {
    test(name, () => {
      if (name === "top level not an object") return expect(configError([])).toMatch(want);
      const c = JSON.parse(JSON.stringify(defaultSpec()));
      edit(c);
      expect(configError(c)).toMatch(want);
    });
  }

  test("exec may leave out process (needProcess = false), create may not", () => {
    const c = JSON.parse(JSON.stringify(defaultSpec()));
    delete c.process;
    expect(() => validateSpec(c, false)).not.toThrow();
    expect(() => validateSpec(c, true)).toThrow(/process: is required/);
  });

  test("invalid JSON text is one clear message", () => {
    expect(() => parseConfig("{ nope")).toThrow(/^config\.json: invalid JSON: /);
  });

  test("the default spec is valid and compiles", () => {
    expect(() => configError(defaultSpec())).toThrow("expected a ConfigError");
  });
});
