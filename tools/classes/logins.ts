// Logins as the class's authenticator sees them. JupyterHub lowercases every username it is given, and the
// allow-list with it (Authenticator.normalize_username), whatever the authenticator; none of classhub's strips a
// domain (Google's strip_domain is off, CILogon takes its eppn or email claim whole). So a roster entry is the
// trimmed, lowercased login, `user@domain` where the authenticator gives one; the config's own rules say which.
import { loginProblems } from "../../components/config/authRules";
import { auth, AT_CLAIMS, type ClassConfig } from "../../components/config/schema";
import { ConfigError, zodProblems } from "../../components/config/errors";

export type Auth = ClassConfig["auth"];

/** A login as the hub compares it. */
export function normalizeLogin(value: string): string {
  return value.trim().toLowerCase();
}

/** Whether the authenticator names people `user@domain`: which column of an export holds their login. */
export function atLogins(a: Auth): boolean {
  if (a.type === "google" || a.type === "cilogon") return true;
  return a.type === "generic-oauth" && AT_CLAIMS.includes(a.usernameClaim);
}

/** A stack file's `classhub:class.auth`, validated by the schema `pulumi up` uses. */
export function parseAuth(value: unknown): Auth {
  const parsed = auth.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new ConfigError(zodProblems("classhub:class.auth", parsed.error));
  return parsed.data;
}

/**
 * Why each login would be refused by the stack's rules (the same rules `pulumi up` applies to the roster), by
 * index; undefined where it is fine.
 */
export function loginVerdicts(a: Auth, logins: string[]): (string | undefined)[] {
  const verdicts: (string | undefined)[] = logins.map(() => undefined);
  // loginProblems reads only the auth, the admins and the roster of a class
  const cls = { auth: a, admins: [], roster: logins } as unknown as ClassConfig;
  loginProblems(cls, (key, _value, message) => {
    const index = /^roster\[(\d+)\]$/.exec(key)?.[1];
    if (index !== undefined) verdicts[Number(index)] ??= message;
  });
  return verdicts;
}
