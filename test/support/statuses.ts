const STATUSES = `query ($alertId: ID, $after: String) { alertStatuses(alertId: $alertId, first: 100, after: $after) {
  nodes { customerId groupKey value count state } pageInfo { hasNextPage endCursor } } }`;

export interface StatusRow {
  customerId: string;
  groupKey: string | null;
  value: number;
  count: number;
  state: string;
}

/** Every status of an alert, following the pages. */
export async function allStatuses(gql: (query: string, variables: Record<string, unknown>) => Promise<unknown>, alertId: string): Promise<StatusRow[]> {
  type Page = { nodes: StatusRow[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
  const rows: StatusRow[] = [];
  let after: string | null = null;
  for (;;) {
    const data = (await gql(STATUSES, { alertId, after })) as { alertStatuses: Page };
    rows.push(...data.alertStatuses.nodes);
    if (!data.alertStatuses.pageInfo.hasNextPage) return rows;
    after = data.alertStatuses.pageInfo.endCursor;
  }
}
