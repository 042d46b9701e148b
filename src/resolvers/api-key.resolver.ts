import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { ApiKey, CreateApiKeyInput, CreatedApiKey, Viewer } from "../schema/api-key.type";
import type { ApiKeyService } from "../services/api-key-service";
import type { RequestContext } from "./context";
import { toApiKey } from "./mappers";

@Resolver()
export class ApiKeyResolver {
  constructor(private readonly apiKeyService: ApiKeyService) {}

  @Query(() => Viewer)
  viewer(@Ctx() ctx: RequestContext): Viewer {
    return { ...ctx.principal };
  }

  @Query(() => [ApiKey])
  async apiKeys(@Ctx() ctx: RequestContext): Promise<ApiKey[]> {
    return (await this.apiKeyService.list(ctx.principal)).map(toApiKey);
  }

  @Mutation(() => CreatedApiKey)
  async createApiKey(@Arg("input", () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: RequestContext): Promise<CreatedApiKey> {
    const { apiKey, secret } = await this.apiKeyService.create(ctx.principal, input);
    return { apiKey: toApiKey(apiKey), secret };
  }

  @Mutation(() => ApiKey)
  async revokeApiKey(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ApiKey> {
    return toApiKey(await this.apiKeyService.revoke(ctx.principal, id));
  }
}
