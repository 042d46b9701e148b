// The stored rows that services hand out; resolvers map them to GraphQL types without reaching into the store.
export type { AlertChangeEntity as AlertChangeRecord } from "../store/entities/alert-change.entity";
export type { AlertEntity as AlertRecord } from "../store/entities/alert.entity";
export type { ApiKeyEntity as ApiKeyRecord } from "../store/entities/api-key.entity";
export type { CrossingRecord, StatusRecord } from "../store/monitoring-store";
export type { ChannelRecord, DeliveryRecord } from "../store/notification-store";
