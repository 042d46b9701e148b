import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export type AlertChangeAction = "CREATED" | "UPDATED" | "DELETED" | "REPLAYED";

/** One row per create, update and delete: the audit trail and the outbox of the control stream. */
@Entity({ name: "alert_changes" })
export class AlertChangeEntity {
  /** Position in the control outbox. */
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS" })
  id: string;

  @Column({ name: "alert_id", type: "uuid" })
  alertId: string;

  @Column({ name: "customer_id", type: "text", nullable: true })
  customerId: string | null;

  @Column({ type: "text" })
  action: AlertChangeAction;

  @Column({ type: "integer" })
  version: number;

  /** The replay generation: a REPLAYED row repeats the version, so this keeps rows apart. */
  @Column({ type: "integer", default: 0 })
  generation: number;

  /** The definition after the change; null after a delete. */
  @Column({ type: "jsonb", nullable: true })
  definition: Record<string, unknown> | null;

  @Column({ name: "key_id", type: "uuid", nullable: true })
  keyId: string | null;

  @Column({ type: "timestamptz" })
  at: Date;
}
