// `nsbox nsenter`: run a program in the namespaces of a process or nsbox container, with
// util-linux nsenter(1)'s options. The command is the C front end's (native/nsbox/nsenter.c);
// this hands it over.
import { execFrontEnd } from "../../ns/native-front-end.ts";

export const summary = "Run a program in the namespaces of a process or container (like nsenter(1))";

export async function run(argv: string[]): Promise<number> {
  return execFrontEnd("nsenter", argv);
}
