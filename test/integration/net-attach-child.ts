// Child process for the lifecycle tests: `bun net-attach-child.ts ROOT CONTAINER NETNS NETWORK`
// attaches (printing the result as JSON) the way a separate `nsbox run` would.
import { Networking } from "../../src/net/index.ts";

const [root, containerId, netnsPath, network] = process.argv.slice(2) as [string, string, string, string];
const net = Networking.open({ root });
const r = await net.attach({ containerId, netnsPath, name: containerId, networks: [{ network }] });
console.log(JSON.stringify(r));
net.close();
