const bearerScheme = /^bearer /i;

/**
 * The credentials of an `Authorization: Bearer <token>` header (the scheme in any case, then one or more
 * spaces; trailing spaces allowed), or undefined for any other header. Whether they form a token is the
 * verifier's to say: on every request, a scan of the whole header for RFC 6750's characters cost more than
 * the cached verification it leads to.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization || !bearerScheme.test(authorization)) return undefined;
  let start = "bearer ".length;
  while (authorization.charCodeAt(start) === 0x20) start++;
  const space = authorization.indexOf(" ", start);
  if (space === -1) return start < authorization.length ? authorization.slice(start) : undefined;
  for (let index = space; index < authorization.length; index++) if (authorization.charCodeAt(index) !== 0x20) return undefined;
  return authorization.slice(start, space);
}
