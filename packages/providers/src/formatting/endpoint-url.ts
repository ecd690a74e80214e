import { field, isHttpUrl } from '@notiflux/core';

/**
 * A required absolute http(s) `address` whose error keeps the upstream wording, e.g.
 * `invalid Opsgenie hook URL <address>: '<problem>'`. `describe` gets the address as it may be
 * shown (userinfo hidden: it can hold a password).
 */
export function endpointUrl(describe: (shownAddress: string) => string) {
  return field.string(`${describe('')}: 'required: an absolute http(s) URL'`).check((address) => {
    const problem = endpointUrlProblem(address);
    return problem ? `${describe(withoutUserinfo(address))}: '${problem}'` : undefined;
  });
}

/** Why the address is not an absolute http(s) URL, in the spirit of Go's URL errors; undefined when fine. */
export function endpointUrlProblem(address: string): string | undefined {
  if (address === '') return 'empty url';
  if (!URL.canParse(address)) return 'must be an absolute http(s) URL';
  if (isHttpUrl(address)) return undefined;
  const protocol = new URL(address).protocol.slice(0, -1);
  return protocol === 'http' || protocol === 'https'
    ? 'missing host'
    : `unsupported protocol scheme "${protocol}" (must be an absolute http(s) URL)`;
}

/** The address fit for an error message: userinfo replaced, even when the address does not parse. */
export function withoutUserinfo(address: string): string {
  return address.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)[^/?#@]*@/i, '$1<redacted>@');
}
