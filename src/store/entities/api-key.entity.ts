import { Column, Entity, PrimaryColumn } from "typeorm";

export type Role = "ADMIN" | "EDITOR" | "VIEWER";

@Entity({ name: "api_keys" })
export class ApiKeyEntity {
  @PrimaryColumn({ type: "uuid" })
  id: string;

  @Column({ type: "text" })
  name: string;

  /** Null for a platform key. */
  @Column({ name: "customer_id", type: "text", nullable: true })
  customerId: string | null;

  @Column({ type: "text" })
  role: Role;

  /** SHA-256 of the secret; the secret itself is never stored. */
  @Column({ name: "secret_hash", type: "bytea" })
  secretHash: Buffer;

  @Column({ name: "created_by", type: "uuid", nullable: true })
  createdBy: string | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt: Date;

  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt: Date | null;
}
