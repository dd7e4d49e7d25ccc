// Runs one LaunchPlan (JSON in argv[2]) through launch() in its own process, for launcher tests
// that need the caller to differ from the test runner: another launcher binary or wrapper
// (NSBOX_LAUNCHER, read when launcher.ts loads), supplementary groups, or a caller that dies.
// Prints "pid N" once the process runs; exits with its status, or 125 after printing
// "launch error STAGE\tSTEP\tPATH\tERRNO" when the launcher reports a failure.
import { launch, LaunchError } from "../../src/linux/launcher.ts";
import type { LaunchPlan } from "../../src/linux/plan.ts";

const plan = JSON.parse(process.argv[2]!) as LaunchPlan;
try {
  const launched = await launch(plan);
  process.stderr.write(`pid ${launched.pid}\n`);
  process.exit(await launched.exited);
} catch (err) {
  if (!(err instanceof LaunchError)) throw err;
  process.stderr.write(`launch error ${err.stage}\t${err.step}\t${err.path}\t${err.errno}\n`);
  process.exit(125);
}
