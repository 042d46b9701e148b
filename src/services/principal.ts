import type { Role } from "../store/entities/api-key.entity";

export type { Role };

/** Who is calling: the API key behind a request or a subscription. */
export interface Principal {
  readonly keyId: string;
  /** Null for a platform key. */
  readonly customerId: string | null;
  readonly role: Role;
}

const RANK: Record<Role, number> = { VIEWER: 0, EDITOR: 1, ADMIN: 2 };

export const hasRole = (principal: Principal, role: Role): boolean => RANK[principal.role] >= RANK[role];

export const isPlatform = (principal: Principal): boolean => principal.customerId === null;

/** Whether an object owned by customerId (null: global / platform) is visible to the principal. */
export const canSee = (principal: Principal, ownerCustomerId: string | null): boolean =>
  principal.customerId === null || ownerCustomerId === null || ownerCustomerId === principal.customerId;
