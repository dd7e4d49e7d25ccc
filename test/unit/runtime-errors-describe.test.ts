// The runtime's failures read "VERB ID: DETAIL" (runc's form) with the parts kept apart, so the
// engine words them as docker does ("exec failed: DETAIL") without cutting the message apart.
import { expect, test } from "bun:test";
import { UserError } from "../../src/common/errors.ts";
import { LaunchError } from "../../src/linux/launcher.ts";
import { describeFailure, OperationError } from "../../src/runtime/errors.ts";

test("a launcher failure: runc's line, the detail apart, shells' 126/127 for exec", () => {
  const notFound = describeFailure("exec", "c1", new LaunchError("exec", "exec: executable file not found in $PATH", "nosuch", 2));
  expect(notFound).toBeInstanceOf(OperationError);
  expect(notFound).toMatchObject({ verb: "exec", id: "c1", detail: 'exec: "nosuch": executable file not found in $PATH', exitCode: 127 });
  expect(notFound.message).toBe('exec c1: exec: "nosuch": executable file not found in $PATH');
  expect(describeFailure("exec", "c1", new LaunchError("exec", "exec", "/etc", 13))).toMatchObject({ exitCode: 126 });
  expect(describeFailure("create", "c2", new LaunchError("mounts", "mount proc", "/proc", 1))).toMatchObject({ verb: "create", exitCode: 1 });
});

test("a user error keeps its exit code and becomes the detail; other errors pass through", () => {
  expect(describeFailure("exec", "c1", new UserError("bad thing", 125))).toMatchObject({ message: "exec c1: bad thing", detail: "bad thing", exitCode: 125 });
  const other = new Error("boom");
  expect(describeFailure("exec", "c1", other)).toBe(other);
});
