// Raw mode for relaying a container's terminal to ours. Bun's setRawMode (libuv's raw mode) keeps
// output post-processing on, so the container's own pty's "\r\n" reached our terminal as
// "\r\r\n" (seen in script(1) logs); docker's CLI (moby/term MakeRaw, like cfmakeraw) turns it
// off too, as the launcher's own relay does (native/launcher/console.c). Restored as it was.
import { setOutputProcessing } from "../linux/libc.ts";

let outputWas: boolean | undefined;

export function setRawTerminal(on: boolean): void {
  process.stdin.setRawMode(on);
  if (on) outputWas = setOutputProcessing(1, false);
  else if (outputWas !== undefined) {
    setOutputProcessing(1, outputWas);
    outputWas = undefined;
  }
}
