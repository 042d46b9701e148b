import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { IsNull, type DataSource, type Repository } from "typeorm";
import { ApiKeyEntity, type Role } from "../store/entities/api-key.entity";
import { AppError, badInput, forbidden, notFound } from "./errors";
import { hasRole, isPlatform, type Principal } from "./principal";
import { validateCustomerId } from "./validation";

const SECRET_PREFIX = "ak_";
export const KEY_REVOKED_CHANNEL = "alerts_key_revoked";
const ROLES: readonly Role[] = ["ADMIN", "EDITOR", "VIEWER"];

export interface CreatedKey {
  readonly apiKey: ApiKeyEntity;
  /** Shown once; only its hash is stored. */
  readonly secret: string;
}

export const hashSecret = (secret: string): Buffer => createHash("sha256").update(secret, "utf8").digest();

export const generateSecret = (): string => SECRET_PREFIX + randomBytes(32).toString("base64url");

/** API keys: stored hashed, looked up by hash, compared in constant time, revoked at once. */
export class ApiKeyService {
  private readonly keys: Repository<ApiKeyEntity>;
  private readonly revokeListeners = new Set<(keyId: string) => void>();

  constructor(dataSource: DataSource) {
    this.keys = dataSource.getRepository(ApiKeyEntity);
  }

  /** The principal behind a secret, or null for an unknown or revoked key. */
  async authenticate(secret: string): Promise<Principal | null> {
    if (secret.length < 8 || secret.length > 200) return null;
    const hash = hashSecret(secret);
    const key = await this.keys.findOne({ where: { secretHash: hash } });
    if (!key || key.revokedAt !== null || !timingSafeEqual(key.secretHash, hash)) return null;
    return { keyId: key.id, customerId: key.customerId, role: key.role };
  }

  /** Whether a key is still valid, for long-lived connections that authenticated earlier. */
  async isActive(keyId: string): Promise<boolean> {
    return (await this.keys.count({ where: { id: keyId, revokedAt: IsNull() } })) > 0;
  }

  async list(principal: Principal): Promise<ApiKeyEntity[]> {
    requireAdmin(principal, "list API keys");
    const where = isPlatform(principal) ? {} : { customerId: principal.customerId as string };
    return this.keys.find({ where, order: { createdAt: "ASC", id: "ASC" } });
  }

  async create(principal: Principal, input: { name: string; customerId?: string | null; role: Role }): Promise<CreatedKey> {
    requireAdmin(principal, "create API keys");
    const problems = [];
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) problems.push({ field: "name", message: "must be 1 to 200 characters and not blank" });
    if (!ROLES.includes(input.role)) problems.push({ field: "role", message: `must be one of ${ROLES.join(", ")}` });
    let customerId = input.customerId ?? null;
    if (!isPlatform(principal)) {
      // A customer ADMIN makes keys for its own customer only; omitting customerId means its own.
      if (customerId !== null && customerId !== principal.customerId) {
        throw forbidden("a customer key can create keys for its own customer only; omit customerId");
      }
      customerId = principal.customerId;
    } else if (customerId !== null) {
      const problem = validateCustomerId(customerId, "customerId");
      if (problem) problems.push(problem);
    }
    if (problems.length > 0) throw badInput(problems);
    const secret = generateSecret();
    const apiKey = await this.keys.save(
      this.keys.create({
        id: randomUUID(),
        name,
        customerId,
        role: input.role,
        secretHash: hashSecret(secret),
        createdBy: principal.keyId,
        createdAt: new Date(),
        revokedAt: null,
      }),
    );
    return { apiKey, secret };
  }

  async revoke(principal: Principal, id: string): Promise<ApiKeyEntity> {
    requireAdmin(principal, "revoke API keys");
    const key = await this.findVisible(principal, id);
    if (key.revokedAt === null) {
      await this.keys.manager.transaction(async (manager) => {
        // Only the first revocation sets the time, even under concurrent calls.
        await manager.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
        // Every API server hears it at commit and closes the key's open subscriptions.
        await manager.query(`SELECT pg_notify($1, $2)`, [KEY_REVOKED_CHANNEL, id]);
      });
    }
    const revoked = await this.keys.findOneOrFail({ where: { id } });
    this.revoked(id);
    return revoked;
  }

  /** A key was revoked, here or by another server (heard through KEY_REVOKED_CHANNEL). */
  revoked(keyId: string): void {
    for (const listener of this.revokeListeners) listener(keyId);
  }

  /** Called with the id of every revoked key (e.g. to close its subscriptions). */
  onRevoke(listener: (keyId: string) => void): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  /**
   * The first platform ADMIN key: ADMIN_API_KEY when set (added once; a revoked one stays revoked),
   * otherwise generated on a first start, when no platform ADMIN key exists. Returns a generated secret.
   */
  async bootstrapAdmin(adminApiKey: string | undefined): Promise<{ generated?: string; revoked?: boolean }> {
    return this.keys.manager.transaction(async (manager) => {
      await manager.query("SELECT pg_advisory_xact_lock(7242020)");
      const repo = manager.getRepository(ApiKeyEntity);
      if (adminApiKey !== undefined) {
        const existing = await repo.findOne({ where: { secretHash: hashSecret(adminApiKey) } });
        if (existing) return { revoked: existing.revokedAt !== null };
        await repo.insert(bootstrapRow(adminApiKey, "admin (ADMIN_API_KEY)"));
        return {};
      }
      const admins = await repo.count({ where: { customerId: IsNull(), role: "ADMIN" } });
      if (admins > 0) return {};
      const secret = generateSecret();
      await repo.insert(bootstrapRow(secret, "admin (generated at first start)"));
      return { generated: secret };
    });
  }

  private async findVisible(principal: Principal, id: string): Promise<ApiKeyEntity> {
    const key = isUuid(id) ? await this.keys.findOne({ where: { id } }) : null;
    if (!key || (!isPlatform(principal) && key.customerId !== principal.customerId)) throw notFound("API key", id);
    return key;
  }
}

function bootstrapRow(secret: string, name: string): Partial<ApiKeyEntity> {
  return { id: randomUUID(), name, customerId: null, role: "ADMIN", secretHash: hashSecret(secret), createdBy: null, createdAt: new Date(), revokedAt: null };
}

function requireAdmin(principal: Principal, what: string): void {
  if (!hasRole(principal, "ADMIN")) throw new AppError("FORBIDDEN", `only an ADMIN key may ${what}; this key is ${principal.role}`);
}

export const isUuid = (value: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
