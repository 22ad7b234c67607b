import { DomainError, ErrorCode } from "../../platform/errors.js";

/** OWASP ASVS 2.1: at least 12 characters, at least 128 accepted, no composition rules. */
export const passwordPolicy = { minLength: 12, maxLength: 128 };

/** The password's problems for an account with `email`, or none. Length counts characters, not bytes. */
export function passwordProblems(password: string, email: string, field = ["password"]): DomainError[] {
  const length = [...password].length;
  if (length < passwordPolicy.minLength) {
    return [new DomainError(ErrorCode.PASSWORD_TOO_SHORT, `Use at least ${passwordPolicy.minLength} characters`, field)];
  }
  if (length > passwordPolicy.maxLength) {
    return [new DomainError(ErrorCode.PASSWORD_TOO_LONG, `Use at most ${passwordPolicy.maxLength} characters`, field)];
  }
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) {
    return [new DomainError(ErrorCode.PASSWORD_SAME_AS_EMAIL, "The password must not be your email address", field)];
  }
  return [];
}
