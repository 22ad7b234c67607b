import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from "graphql";
import { uniqueEmail } from "./accounts.js";

/** The other tenant's objects an operation can be aimed at. */
export interface Targets {
  company: string;
  member: string;
  invitation: string;
  session: string;
  /** Its claimed mail domain, for arguments named `domain`. */
  domain: string;
}

/** One root field, called with its id arguments pointing at the other tenant's objects. */
export interface GeneratedOperation {
  /** "Query.company", "Mutation.updateCompany", … */
  name: string;
  field: string;
  query: string;
  variables: Record<string, unknown>;
}

type Target = keyof Omit<Targets, "domain">;

/** What an ID argument points at, by its name. */
const targetOfArgument: Record<string, Target> = { companyId: "company", userId: "member", userIds: "member" };
/** `id` means a different object on each field. */
const targetOfId: Record<string, Target> = {
  "Query.company": "company",
  "Query.user": "member",
  "Mutation.revokeInvitation": "invitation",
  "Mutation.revokeSession": "session",
};
/** Enums whose first value would be refused for another reason than access (nobody may invite an OWNER). */
const enumValueOverride: Record<string, string> = { Role: "VIEWER" };

/**
 * Root fields left out of the matrix, with the reason. Any other root field that takes arguments but
 * no ID must be added here, so a field reaching another tenant by something else (a slug, a code) is looked at.
 */
export const notInMatrix: Record<string, string> = {
  "Query._entities": "representations, not arguments: the _entities test covers every entity type",
  "Query.tierFeatures": "public catalogue of a tier's features; no tenant data",
  "Mutation.register": "creates a new account; targets no existing tenant",
  "Mutation.login": "credentials of the caller's own account",
  "Mutation.refreshToken": "the caller's own opaque refresh token",
  "Mutation.createCompany": "creates a new company owned by the caller",
  "Mutation.acceptInvitation": "a secret one-time code, honoured only for the invited email",
  "Mutation.updateProfile": "the caller's own profile",
  "Mutation.verifyEmail": "a secret single-use token mailed to the account's own address",
  "Mutation.requestPasswordReset": "an email address; answers the same whether or not it is registered",
  "Mutation.resetPassword": "a secret single-use token mailed to the account's own address",
  "Mutation.changePassword": "the caller's own password",
  "Mutation.requestEmailChange": "the caller's own email, behind their password",
  "Mutation.confirmEmailChange": "a secret single-use token mailed to the new address",
  "Mutation.verifyMfa": "a secret sign-in challenge id and the caller's own second factor",
  "Mutation.confirmTotp": "the caller's own authenticator code",
  "Mutation.disableMfa": "the caller's own authenticator or recovery code",
  "Mutation.regenerateRecoveryCodes": "the caller's own authenticator or recovery code",
  "Mutation.reauthenticate": "the caller's own password or second factor, for their own session",
  "Mutation.deleteMyAccount": "the caller's own account, behind their password or a recent second factor",
};

class Unhandled extends Error {}

function isRequired(argument: { type: GraphQLInputType; defaultValue?: unknown }): boolean {
  return isNonNullType(argument.type) && argument.defaultValue === undefined;
}

function takesId(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (named.name === "ID") return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => takesId(field.type, seen));
}

/** A valid value of `type` that nobody could refuse for its content. */
function dummyValue(type: GraphQLInputType, name: string, targets: Targets): unknown {
  if (isNonNullType(type)) return dummyValue(type.ofType, name, targets);
  if (isListType(type)) return [dummyValue(type.ofType, name, targets)];
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter(isRequired);
    return Object.fromEntries(fields.map((field) => [field.name, dummyValue(field.type, field.name, targets)]));
  }
  if (isEnumType(type)) return enumValueOverride[type.name] ?? type.getValues()[0]!.name;
  if (type.name === "EmailAddress" || /email/i.test(name)) return uniqueEmail("isolation");
  switch (type.name) {
    case "String":
      return name === "domain" ? targets.domain : "x";
    case "Int":
    case "Float":
      return 1;
    case "Boolean":
      return false;
    case "DateTime":
      return new Date().toISOString();
    default:
      throw new Unhandled(`no dummy value for ${type.name} (${name})`);
  }
}

function argumentValue(fieldName: string, argument: GraphQLArgument, targets: Targets): unknown {
  if (getNamedType(argument.type).name !== "ID") {
    if (takesId(argument.type)) throw new Unhandled(`an ID inside input ${argument.name}`);
    return dummyValue(argument.type, argument.name, targets);
  }
  const isList = isListType(isNonNullType(argument.type) ? argument.type.ofType : argument.type);
  const target = argument.name === "id" ? targetOfId[fieldName] : targetOfArgument[argument.name];
  if (!target) throw new Unhandled(`does not know what ID argument ${argument.name} points at`);
  return isList ? [targets[target]] : targets[target];
}

function callableWithoutArguments(field: GraphQLField<unknown, unknown>): boolean {
  return !field.args.some(isRequired);
}

/** ` { id }` for an object with an id, ` { __typename }` for anything else that needs a selection. */
function identityOf(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return "";
  return isObjectType(named) && named.getFields().id ? " { id }" : " { __typename }";
}

/** Every leaf field of the returned object; for a payload also `userErrors { code }` and its objects' ids. */
export function selectionOf(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return "";
  if (!isObjectType(named)) return " { __typename }";
  const fields = Object.values(named.getFields()).filter(callableWithoutArguments);
  const leaves = fields.filter((field) => isLeafType(getNamedType(field.type))).map((field) => field.name);
  if (!named.getFields().userErrors) return ` { ${leaves.join(" ") || "__typename"} }`;
  const objects = fields.filter((field) => field.name !== "userErrors" && !isLeafType(getNamedType(field.type)));
  return ` { ${[...leaves, "userErrors { code }", ...objects.map((field) => field.name + identityOf(field.type))].join(" ")} }`;
}

/** Every field of an entity type: leaves as they are, objects as their id (or __typename); arguments left to defaults. */
export function entitySelection(type: GraphQLObjectType): string {
  return Object.values(type.getFields())
    .map((field) => {
      if (!callableWithoutArguments(field)) throw new Error(`${type.name}.${field.name} needs arguments: give the entity test values for them`);
      return field.name + identityOf(field.type);
    })
    .join(" ");
}

/** The types with a @key (the members of _Entity, cross-checked against the directives). */
export function entityTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  const union = schema.getType("_Entity");
  const members = isUnionType(union) ? union.getTypes() : [];
  const keyed = Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLObjectType =>
      isObjectType(type) && [type.astNode, ...type.extensionASTNodes].some((node) => node?.directives?.some((directive) => directive.name.value === "key")),
  );
  return [...new Set([...members, ...keyed])];
}

/**
 * An operation for every Query and Mutation field that takes an ID argument, aimed at `targets`; `unhandled`
 * names the fields the generator cannot aim (the test fails on them), `stale` exclusions that name no field.
 */
export function generateOperations(schema: GraphQLSchema, targets: Targets) {
  const operations: GeneratedOperation[] = [];
  const unhandled: string[] = [];
  const rootFields: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const name = `${root.name}.${field.name}`;
      rootFields.push(name);
      if (name in notInMatrix || field.args.length === 0) continue;
      const aimed = field.args.filter((argument) => takesId(argument.type));
      if (aimed.length === 0) {
        unhandled.push(`${name}: takes arguments but no ID; aim it at the other tenant or add it to notInMatrix with a reason`);
        continue;
      }
      try {
        const passed = field.args.filter((argument) => aimed.includes(argument) || isRequired(argument));
        const variables = Object.fromEntries(passed.map((argument) => [argument.name, argumentValue(name, argument, targets)]));
        const definitions = passed.map((argument) => `$${argument.name}: ${String(argument.type)}`).join(", ");
        const call = passed.map((argument) => `${argument.name}: $${argument.name}`).join(", ");
        const keyword = root === schema.getMutationType() ? "mutation" : "query";
        const query = `${keyword} Isolation_${field.name}(${definitions}) { ${field.name}(${call})${selectionOf(field.type)} }`;
        operations.push({ name, field: field.name, query, variables });
      } catch (error) {
        if (!(error instanceof Unhandled)) throw error;
        unhandled.push(`${name}: ${error.message}`);
      }
    }
  }
  const stale = Object.keys(notInMatrix).filter((name) => !rootFields.includes(name));
  return { operations, unhandled, stale };
}
