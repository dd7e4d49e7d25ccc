// `nsbox unshare`: run a program in new namespaces, with util-linux unshare(1)'s options. The
// command is the C front end's (native/nsbox/unshare.c); this hands it over.
import { execFrontEnd } from "../../ns/native-front-end.ts";

export const summary = "Run a program with some namespaces unshared from the parent (like unshare(1))";

export async function run(argv: string[]): Promise<number> {
  return execFrontEnd("unshare", argv);
}
