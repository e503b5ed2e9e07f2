import { Authorized, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Role } from '../entities/enums.js';
import { AppError } from '../errors.js';
import type { GraphQLContext } from './context.js';

@ObjectType({ description: 'The API key a request is made with (what the dashboard may show).' })
export class Viewer {
  @Field(() => String, { description: "The key's name." })
  name!: string;

  @Field(() => Role)
  role!: Role;
}

@Resolver()
export class ViewerResolver {
  @Authorized()
  @Query(() => Viewer, { description: 'Who is asking: the name and role of the API key used. Any valid key.' })
  viewer(@Ctx() { principal }: GraphQLContext): Viewer {
    if (!principal) throw new AppError('UNAUTHENTICATED', 'An API key is required.');
    return { name: principal.name, role: principal.role };
  }
}
