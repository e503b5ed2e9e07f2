import type { IncomingHttpHeaders } from 'node:http';

/** The header the dashboard's own scripts send with every GraphQL call. */
export const CLIENT_HEADER = 'x-leadpilot-client';

/**
 * Whether a GraphQL request comes from the dashboard page this process served: it says so in
 * CLIENT_HEADER, and the browser's Origin (which page scripts cannot set) is this server's own
 * host. It only labels where a decision was taken (channel DASHBOARD instead of GRAPHQL); who
 * decided is still the key's holder, so a script claiming it gains nothing.
 */
export function isDashboardCall(headers: IncomingHttpHeaders): boolean {
  if (headers[CLIENT_HEADER] !== 'dashboard' || !headers.origin || !headers.host) return false;
  try {
    return new URL(headers.origin).host === headers.host;
  } catch {
    return false;
  }
}
