/**
 * V8 flags a Leadpilot server process runs with: `bin/leadpilot.js`'s shebang and `npm start`
 * carry the same list (they cannot import it), and the test and benchmark helpers that spawn
 * `leadpilot serve` pass it, so what is tested and measured is what is shipped.
 *
 * `--max-semi-space-size=32` (MiB; V8's default is 16): a live event fans out to every subscriber
 * at once, and a GraphQL answer lives through its socket write. With the default young generation
 * those short-lived objects survive two scavenges, are promoted and stay until a full collection:
 * measured with 1,000 subscribers, the all-roles process peaked 40–70 MiB higher (300–308 against
 * 234–271 MiB). The young generation is committed only as it fills, so an idle process does not grow.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
