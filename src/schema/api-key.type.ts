import { Field, ID, InputType, ObjectType } from "type-graphql";
import { Role } from "./enums";
import { DateTimeScalar } from "./scalars";

type RoleValue = keyof typeof Role;

@ObjectType()
export class ApiKey {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => ID, { nullable: true })
  customerId: string | null;

  @Field(() => Role)
  role: RoleValue;

  @Field(() => DateTimeScalar)
  createdAt: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt: Date | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey: ApiKey;

  @Field(() => String, { description: "Shown once; only a hash is stored." })
  secret: string;
}

@ObjectType()
export class Viewer {
  @Field(() => ID)
  keyId: string;

  @Field(() => ID, { nullable: true })
  customerId: string | null;

  @Field(() => Role)
  role: RoleValue;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => String)
  name: string;

  @Field(() => ID, { nullable: true, description: "Null for a platform key; a customer ADMIN may omit it for its own customer." })
  customerId?: string | null;

  @Field(() => Role)
  role: RoleValue;
}
