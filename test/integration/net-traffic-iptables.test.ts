// The same traffic tests with the iptables-restore backend (hosts without nft).
import { trafficSuite } from "./net-traffic-suite.ts";

trafficSuite("iptables");
