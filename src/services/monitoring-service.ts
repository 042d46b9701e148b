import type { CrossingRecord, MonitoringStore, StatusRecord } from "../store/monitoring-store";
import { isUuid } from "./api-key-service";
import { decodeCursor, encodeCursor, pageOf, pageSize, type Page } from "./pagination";
import { isPlatform, type Principal } from "./principal";

export interface StatusFilter {
  alertId?: string | null;
  customerId?: string | null;
  state?: "OK" | "FIRING" | null;
}

export interface CrossingFilter {
  alertId?: string | null;
  customerId?: string | null;
  since?: Date | null;
}

const EMPTY: Page<never> = { items: [], hasNextPage: false, hasPreviousPage: false, totalCount: 0 };

/** Statuses and crossings as the caller may see them: a customer key sees its own customer's only. */
export class MonitoringService {
  constructor(private readonly store: MonitoringStore) {}

  async statuses(principal: Principal, filter: StatusFilter, first?: number | null, after?: string | null): Promise<Page<StatusRecord>> {
    const limit = pageSize(first);
    const afterSeq = decodeCursor("status", after);
    const customerId = visibleCustomer(principal, filter.customerId);
    if (customerId === false || (filter.alertId != null && !isUuid(filter.alertId))) return EMPTY;
    const { rows, total } = await this.store.statuses({
      customerId,
      alertId: filter.alertId ?? undefined,
      state: filter.state ?? undefined,
      afterSeq,
      limit: limit + 1,
    });
    return pageOf(rows, limit, afterSeq !== undefined, total, (r) => encodeCursor("status", r.seq));
  }

  async crossings(principal: Principal, filter: CrossingFilter, first?: number | null, after?: string | null): Promise<Page<CrossingRecord>> {
    const limit = pageSize(first);
    const afterSeq = decodeCursor("crossings", after);
    const customerId = visibleCustomer(principal, filter.customerId);
    if (customerId === false || (filter.alertId != null && !isUuid(filter.alertId))) return EMPTY;
    const { rows, total } = await this.store.crossings({
      customerId,
      alertId: filter.alertId ?? undefined,
      since: filter.since ?? undefined,
      afterSeq,
      limit: limit + 1,
    });
    return pageOf(rows, limit, afterSeq !== undefined, total, (r) => encodeCursor("crossings", r.seq));
  }
}

/** The customer filter to apply: undefined for all, false when the caller may see nothing asked for. */
export function visibleCustomer(principal: Principal, asked: string | null | undefined): string | undefined | false {
  if (isPlatform(principal)) return asked ?? undefined;
  if (asked != null && asked !== principal.customerId) return false;
  return principal.customerId as string;
}
