import type { Logger } from "pino";
import type { Principal } from "../services/principal";

/** What every resolver gets: the authenticated caller, and a logger tagged with the request id. */
export interface RequestContext {
  readonly principal: Principal;
  readonly requestId: string;
  readonly logger: Logger;
}
