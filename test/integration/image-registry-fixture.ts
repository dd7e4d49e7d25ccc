// A real registry for tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1 with a temp
// storage dir and its own config, optional htpasswd or token auth; images pushed with skopeo.
import { describe } from "bun:test";
import * as fs from "node:fs";
import { tempDir } from "./image-fixtures.ts";
import { freePort } from "../helpers/ports.ts";

export function have(cmd: string): boolean {
  return Bun.spawnSync(["sh", "-c", `command -v ${cmd}`]).exitCode === 0;
}

/** `describe`, or `describe.skip` with one line saying which tools are missing (setup installs them). */
export function describeWithTools(what: string, tools: string[]): typeof describe {
  const missing = tools.filter((c) => !have(c));
  if (!missing.length) return describe;
  console.log(`SKIP ${what} tests: ${missing.join(", ")} not installed (scripts/apt-packages/images.txt)`);
  return describe.skip as typeof describe;
}

export { freePort };

export interface TestRegistry {
  host: string; // 127.0.0.1:PORT
  port: number;
  dir: string;
  stop(): void;
}

export async function startRegistry(extraConfig = ""): Promise<TestRegistry> {
  const dir = tempDir("registry");
  const port = freePort();
  fs.writeFileSync(`${dir}/config.yml`, `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${dir}/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
${extraConfig}`);
  const proc = Bun.spawn(["docker-registry", "serve", `${dir}/config.yml`], { stdout: "ignore", stderr: "pipe" });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/v2/`);
      await r.body?.cancel();
      break;
    } catch {
      if (Date.now() > deadline || proc.exitCode !== null) {
        proc.kill();
        throw new Error(`docker-registry did not start: ${await new Response(proc.stderr).text()}`);
      }
      await Bun.sleep(50);
    }
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    dir,
    stop() {
      proc.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** skopeo copy with TLS off and, optionally, credentials; throws with skopeo's message on failure. */
// Async, so that a token server running in the test's own process can answer skopeo.
export async function skopeoCopy(src: string, dest: string, extra: string[] = []): Promise<void> {
  const p = Bun.spawn(["skopeo", "copy", "-q", "--dest-tls-verify=false", "--src-tls-verify=false", ...extra, src, dest], { stdout: "ignore", stderr: "pipe" });
  if ((await p.exited) !== 0) throw new Error(`skopeo copy ${src} ${dest}: ${await new Response(p.stderr).text()}`);
}
