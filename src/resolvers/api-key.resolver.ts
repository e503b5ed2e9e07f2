import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { ApiKey } from '../entities/api-key.entity.js';
import { Role } from '../entities/enums.js';
import type { GraphQLContext } from './context.js';

@ObjectType({ description: 'A new API key. `key` is shown this once; store it now.' })
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String)
  key!: string;
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [ApiKey])
  apiKeys(@Ctx() { services }: GraphQLContext) {
    return services.apiKeys.list();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedApiKey)
  createApiKey(
    @Ctx() { services }: GraphQLContext,
    @Arg('name', () => String) name: string,
    @Arg('role', () => Role) role: Role,
    @Arg('delegate', () => Boolean, { nullable: true, description: 'May pass onBehalfOf on decisions.' }) delegate?: boolean | null,
    @Arg('expiresAt', () => Date, { nullable: true }) expiresAt?: Date | null,
  ) {
    return services.apiKeys.create({ name, role, delegate: delegate ?? false, expiresAt: expiresAt ?? null });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiKey, { description: 'Revokes a key at once; revoking twice keeps the first time.' })
  revokeApiKey(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.apiKeys.revoke(id);
  }
}
