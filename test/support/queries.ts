// GraphQL documents the integration tests share.
export const ALERT_FIELDS = `
  id scope customerId name description severity enabled application objectType eventType
  conditions { path operator value } jsonPath aggregation { function path } groupBy entityPath
  window { type seconds } threshold { operator value } version createdAt updatedAt`;

export const CREATE_ALERT = `mutation ($input: CreateAlertInput!) { createAlert(input: $input) { ${ALERT_FIELDS} } }`;
export const UPDATE_ALERT = `mutation ($id: ID!, $input: UpdateAlertInput!, $v: Int) { updateAlert(id: $id, input: $input, expectedVersion: $v) { ${ALERT_FIELDS} } }`;
export const DELETE_ALERT = `mutation ($id: ID!) { deleteAlert(id: $id) { id deleted } }`;
export const GET_ALERT = `query ($id: ID!) { alert(id: $id) { ${ALERT_FIELDS} } }`;
export const LIST_ALERTS = `query ($filter: AlertFilter, $first: Int, $after: String) {
  alerts(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id name customerId scope } } nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
export const ALERT_CHANGES = `query ($alertId: ID, $first: Int, $after: String) {
  alertChanges(alertId: $alertId, first: $first, after: $after) { id alertId customerId action version keyId at definition cursor } }`;
export const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name customerId role createdAt revokedAt } } }`;
export const REVOKE_KEY = `mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
export const API_KEYS = `{ apiKeys { id name customerId role revokedAt } }`;
export const VIEWER = `{ viewer { keyId customerId role } }`;

export const minimalAlert = (extra: Record<string, unknown> = {}) => ({
  name: "Admin granted",
  threshold: { operator: "GREATER_THAN_OR_EQUAL", value: 1 },
  ...extra,
});
