import { isIntrospectionType, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from "graphql";
import { middleware, type IMiddlewareFieldMap, type IMiddlewareFunction, type IMiddlewareGenerator } from "graphql-middleware";
import { allow, deny, shield, type IRule, type IRules } from "graphql-shield";
import { BugError } from "../platform/errors.js";

type Decision = true | false | Error;
type RuleResult = boolean | string | Error;
type Context = { _shield?: { cache: Record<string, unknown> } };

/** What shield's `rule()` makes; logic rules (`and`, `or`, …) have no `func`. */
interface PlainRule {
  name: string;
  func: (parent: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) => RuleResult | Promise<RuleResult>;
  cache: unknown;
}

interface ShieldRule {
  resolve(parent: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo, options: unknown): Promise<RuleResult>;
}

export interface RuleMiddlewareOptions {
  /** What a field answers when its rule says no without an error of its own. */
  fallbackError: Error;
}

/**
 * graphql-shield's rules applied with shield's semantics (deny by default, a rule's error is the field's
 * error, errors thrown by rules and resolvers pass through) at a fraction of its cost per field: `allow`
 * fields keep their resolver unwrapped, and a rule that answers synchronously lets its field resolve
 * synchronously, where shield's wrapper awaits the rule and then the resolver on every field, so every
 * scalar became a promise. Logic rules (`and`, `or`, …) are resolved by shield itself.
 */
export function ruleMiddleware(rules: IRules, options: RuleMiddlewareOptions): IMiddlewareGenerator<unknown, unknown, unknown> {
  const shieldOptions = { debug: true, allowExternalErrors: true, fallbackRule: deny, fallbackError: options.fallbackError };
  // Shield's own generator, for its validation of the rule tree against the schema (unknown types, fields, duplicate names).
  const validation = shield(rules, shieldOptions);
  return middleware((schema: GraphQLSchema) => {
    validation.generate(schema);
    const fieldMaps: Record<string, IMiddlewareFieldMap> = {};
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || isIntrospectionType(type)) continue;
      const fields: IMiddlewareFieldMap = {};
      for (const field of Object.keys(type.getFields())) {
        const rule = ruleOf(rules, type.name, field);
        if ((rule as unknown) !== allow) fields[field] = guardedBy(rule as ShieldRule, options.fallbackError, shieldOptions);
      }
      fieldMaps[type.name] = fields;
    }
    return fieldMaps;
  });
}

/** The rule shield would apply to `type.field`: the type's rule, the field's, the type's `*`, else deny. */
function ruleOf(rules: IRules, typeName: string, fieldName: string): IRule {
  const forType = (rules as Record<string, unknown>)[typeName];
  if (forType === undefined) return deny as unknown as IRule;
  if (isRule(forType)) return forType as IRule;
  const fields = forType as Record<string, IRule | undefined>;
  return fields[fieldName] ?? fields["*"] ?? (deny as unknown as IRule);
}

function isRule(value: unknown): boolean {
  return typeof (value as ShieldRule).resolve === "function";
}

function isPlainRule(rule: unknown): rule is PlainRule {
  return typeof (rule as PlainRule).func === "function";
}

function guardedBy(rule: ShieldRule, fallbackError: Error, shieldOptions: object): IMiddlewareFunction {
  if (rule === (deny as unknown)) return (() => fallbackError) as unknown as IMiddlewareFunction;
  if (isPlainRule(rule) && rule.cache !== "no_cache" && rule.cache !== "contextual") {
    throw new BugError("BUG_RULE_CACHE", `rule ${rule.name}: cache '${String(rule.cache)}' is not supported (strict hashes the parent on every field)`);
  }
  const decide = isPlainRule(rule)
    ? (parent: unknown, args: unknown, context: Context, info: GraphQLResolveInfo) => {
        const result = rule.cache === "contextual" ? contextual(rule, parent, args, context, info) : rule.func(parent, args, context, info);
        return isPromise(result) ? result.then(decisionOf) : decisionOf(result);
      }
    : (parent: unknown, args: unknown, context: Context, info: GraphQLResolveInfo) => rule.resolve(parent, args, context, info, shieldOptions).then(decisionOf);
  const settle = (decision: Decision, resolve: (...a: unknown[]) => unknown, parent: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) =>
    decision === true ? resolve(parent, args, context, info) : decision === false ? fallbackError : decision;
  const guard = (resolve: (...a: unknown[]) => unknown, parent: unknown, args: unknown, context: Context, info: GraphQLResolveInfo) => {
    context._shield ??= { cache: {} };
    const decision = decide(parent, args, context, info);
    return isPromise(decision) ? decision.then((made) => settle(made, resolve, parent, args, context, info)) : settle(decision, resolve, parent, args, context, info);
  };
  return guard as unknown as IMiddlewareFunction;
}

/** Shield's `contextual` cache: the rule's first answer in a request (a value or a promise) is its answer for the request. */
function contextual(rule: PlainRule, parent: unknown, args: unknown, context: Context, info: GraphQLResolveInfo) {
  const cache = context._shield!.cache;
  if (!cache[rule.name]) cache[rule.name] = rule.func(parent, args, context, info);
  return cache[rule.name] as RuleResult | Promise<RuleResult>;
}

/** Shield's reading of a rule's result: an error is the field's error, a string one with that message, only `true` allows. */
function decisionOf(result: RuleResult): Decision {
  if (result instanceof Error) return result;
  if (typeof result === "string") return new Error(result);
  return result === true;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === "function";
}
