import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { DomainError, ErrorCode } from "./errors.js";
import { formatError } from "./graphql-errors.js";

describe("formatError", () => {
  it("hides the message and details of an unexpected error", () => {
    const original = new Error("connect ECONNREFUSED 10.0.0.5:5432 password=secret");
    const formatted = formatError({ message: original.message, path: ["me"], extensions: { code: "INTERNAL_SERVER_ERROR", stacktrace: ["x"] } }, original);
    expect(formatted).toEqual({ message: "Internal server error", path: ["me"], extensions: { code: "INTERNAL_SERVER_ERROR" } });
  });

  it("keeps expected errors as they are", () => {
    const error = new GraphQLError("Not allowed", { extensions: { code: "FORBIDDEN" } });
    const formatted = { message: "Not allowed", path: ["user", "email"], extensions: { code: "FORBIDDEN" } };
    expect(formatError(formatted, error)).toBe(formatted);
  });

  it("masks a GraphQLError carrying a code we do not know", () => {
    const error = new GraphQLError("driver said: relation users does not exist", { extensions: { code: "P2021" } });
    expect(formatError({ message: error.message, extensions: { code: "P2021" } }, error).message).toBe("Internal server error");
  });

  it("answers a service's expected failure in a query with its own code and field", () => {
    const error = new DomainError(ErrorCode.BAD_USER_INPUT, "first must be between 1 and 100", ["first"]);
    const formatted = formatError({ message: error.message, path: ["company", "members"], extensions: { code: "INTERNAL_SERVER_ERROR" } }, error);
    expect(formatted).toEqual({ message: error.message, path: ["company", "members"], extensions: { code: "BAD_USER_INPUT", field: ["first"] } });
  });

  it("answers a database outage with a stable SERVICE_UNAVAILABLE and no internals", () => {
    const refused = Object.assign(new Error("Can't reach database server at 10.0.0.5:5432"), {
      code: "P1001",
      meta: { driverAdapterError: { cause: { kind: "DatabaseNotReachable", host: "10.0.0.5", port: 5432 } } },
    });
    const poolTimeout = new Error("timeout exceeded when trying to connect");
    for (const original of [refused, poolTimeout]) {
      expect(formatError({ message: original.message, path: ["sessions"], extensions: { code: "INTERNAL_SERVER_ERROR" } }, original)).toEqual({
        message: "The service is temporarily unavailable; try again",
        path: ["sessions"],
        extensions: { code: "SERVICE_UNAVAILABLE" },
      });
    }
  });
});
