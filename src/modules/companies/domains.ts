import { domainToASCII, domainToUnicode } from "node:url";

const labelPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Also "%", because domainToASCII percent-decodes ("a%41.com" would become "aa.com").
const forbiddenCharacters = /[@/\\:%?#\s]/;

/** The ASCII (punycode) lower-case form of a company's domain, or null if it is not a public hostname. */
export function normalizeDomain(input: string): string | null {
  let candidate = input.trim().toLowerCase();
  if (candidate === "" || forbiddenCharacters.test(candidate)) return null;
  if (candidate.endsWith(".")) candidate = candidate.slice(0, -1);
  const ascii = domainToASCII(candidate);
  if (ascii === "" || ascii.length > 253) return null;
  const labels = ascii.split(".");
  if (labels.length < 2 || !labels.every((label) => labelPattern.test(label))) return null;
  if (labels.some((label) => label.startsWith("xn--") && !isPunycodeLabel(label))) return null;
  // An all-numeric last label means an IPv4 address (domainToASCII also rewrites forms like "0x7f.1").
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return null;
  // RFC 6761: localhost and its subdomains always resolve to loopback.
  if (labels[labels.length - 1] === "localhost") return null;
  return ascii;
}

/** Whether an `xn--` label decodes to a non-ASCII label that encodes back to it (Node 26's domainToASCII passes any). */
function isPunycodeLabel(label: string): boolean {
  const unicode = domainToUnicode(label);
  return /[^\x00-\x7f]/.test(unicode) && domainToASCII(unicode) === label;
}

/** Free and consumer mail providers: owning an address there proves nothing about a company. */
export const publicMailDomains: ReadonlySet<string> = new Set([
  // Google
  "gmail.com",
  "googlemail.com",
  // Microsoft
  "outlook.com",
  "outlook.fr",
  "outlook.de",
  "outlook.es",
  "outlook.it",
  "hotmail.com",
  "hotmail.co.uk",
  "hotmail.fr",
  "hotmail.de",
  "hotmail.es",
  "hotmail.it",
  "live.com",
  "live.co.uk",
  "live.fr",
  "live.de",
  "msn.com",
  "passport.com",
  // Yahoo / AOL
  "yahoo.com",
  "yahoo.co.uk",
  "yahoo.fr",
  "yahoo.de",
  "yahoo.es",
  "yahoo.it",
  "yahoo.co.jp",
  "yahoo.com.br",
  "yahoo.co.in",
  "ymail.com",
  "rocketmail.com",
  "aol.com",
  "aim.com",
  // Apple
  "icloud.com",
  "me.com",
  "mac.com",
  // Privacy-focused and paid consumer mail
  "proton.me",
  "protonmail.com",
  "protonmail.ch",
  "pm.me",
  "tutanota.com",
  "tutanota.de",
  "tutamail.com",
  "tuta.io",
  "tuta.com",
  "fastmail.com",
  "fastmail.fm",
  "hey.com",
  "mailbox.org",
  "posteo.de",
  "runbox.com",
  "hushmail.com",
  "zoho.com",
  "zohomail.com",
  // GMX / United Internet
  "gmx.com",
  "gmx.de",
  "gmx.net",
  "gmx.at",
  "gmx.ch",
  "web.de",
  "mail.com",
  "email.com",
  // Russia and CIS
  "yandex.ru",
  "yandex.com",
  "ya.ru",
  "mail.ru",
  "bk.ru",
  "inbox.ru",
  "list.ru",
  "rambler.ru",
  // Asia
  "qq.com",
  "foxmail.com",
  "163.com",
  "126.com",
  "yeah.net",
  "sina.com",
  "sohu.com",
  "aliyun.com",
  "naver.com",
  "daum.net",
  "hanmail.net",
  "rediffmail.com",
  // Europe
  "seznam.cz",
  "centrum.cz",
  "wp.pl",
  "o2.pl",
  "interia.pl",
  "onet.pl",
  "orange.fr",
  "wanadoo.fr",
  "free.fr",
  "sfr.fr",
  "laposte.net",
  "libero.it",
  "virgilio.it",
  "tiscali.it",
  "alice.it",
  "t-online.de",
  "freenet.de",
  "btinternet.com",
  "sky.com",
  "virginmedia.com",
  "ntlworld.com",
  "talktalk.net",
  "bluewin.ch",
  "telenet.be",
  "skynet.be",
  "ziggo.nl",
  "kpnmail.nl",
  "terra.com.br",
  "uol.com.br",
  "bol.com.br",
  // North American ISPs
  "comcast.net",
  "verizon.net",
  "att.net",
  "sbcglobal.net",
  "bellsouth.net",
  "charter.net",
  "cox.net",
  "earthlink.net",
  "optonline.net",
  "shaw.ca",
  "rogers.com",
  "sympatico.ca",
  "bigpond.com",
  "optusnet.com.au",
  "xtra.co.nz",
]);

/** True for a public mail provider's domain or any subdomain of one (e.g. "mail.gmail.com"). */
export function isPublicMailDomain(domain: string): boolean {
  const normalized = normalizeDomain(domain);
  if (normalized === null) return false;
  const labels = normalized.split(".");
  return labels.some((_, index) => publicMailDomains.has(labels.slice(index).join(".")));
}

/** The normalised domain after the last "@" of `email`, or null if there is none or it is not a valid domain. */
export function domainOfEmail(email: string): string | null {
  const at = email.lastIndexOf("@");
  if (at <= 0) return null;
  return normalizeDomain(email.slice(at + 1));
}

/** The DNS name at which a company publishes its verification TXT record for `domain` (already normalised). */
export function domainVerificationRecordName(domain: string): string {
  return `_trading-platform-verification.${domain}`;
}

/** The TXT record value that proves control of a domain for verification `token`. */
export function domainVerificationRecordValue(token: string): string {
  return `trading-platform-verification=${token}`;
}
