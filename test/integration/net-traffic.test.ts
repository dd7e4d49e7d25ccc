// Real traffic between test namespaces with the nft backend (see net-traffic-suite.ts).
import { trafficSuite } from "./net-traffic-suite.ts";

trafficSuite("nft");
