import type { Logger } from "pino";
import type { CrossingFeed } from "../services/crossing-feed";
import type { HistoryService } from "../services/history-service";
import type { Principal } from "../services/principal";
import type { StatusFeed } from "../services/status-feed";

/** What every resolver gets: the authenticated caller, and a logger tagged with the request id. */
export interface RequestContext {
  readonly principal: Principal;
  readonly requestId: string;
  readonly logger: Logger;
  /** Live sources for subscriptions; absent in a process that serves no subscriptions. */
  readonly feeds?: { readonly crossings: CrossingFeed; readonly statuses: StatusFeed; readonly backfills: Pick<HistoryService, "progress"> };
}
