import type { AgencyConfig } from '../src/agents/agency-config.js';
import { FakeOpenAIServer } from '../test/fakes/fake-openai.server.js';

/** The fake servers' per-agent answer hook and the oracle, where this build has them. */
interface OracleModule {
  agentOracle(agency: AgencyConfig): (request: unknown) => unknown;
}

/**
 * The agent oracle (test/fakes/agent-oracle.ts, with the fake servers' `answerWith`) comes from
 * another branch; it is loaded when the build has it, so the benchmark uses it as soon as it is
 * merged and says so when it is not there.
 */
export async function loadAgentOracle(agency: AgencyConfig): Promise<((server: FakeOpenAIServer) => void) | null> {
  const path = '../test/fakes/agent-oracle.js';
  let oracle: OracleModule;
  try {
    oracle = (await import(path)) as OracleModule;
  } catch {
    return null;
  }
  const answer = oracle.agentOracle(agency);
  return (server) => {
    const hook = (server as unknown as { answerWith?: (answerer: (request: unknown) => unknown) => unknown }).answerWith;
    if (typeof hook !== 'function') throw new Error('the fake OpenAI server has no answerWith hook');
    hook.call(server, answer);
  };
}

/**
 * The honest way to the 800 ms model: the fake OpenAI server, reached through OPENAI_BASE_URL by
 * the real OpenAI adapter (retries, repair, breaker and recording included), answering after
 * `delayMs`. Its answers must be valid for each agent: `configure` installs the per-agent answer
 * oracle (`loadAgentOracle`); without it the fake answers with schema samples, which the agents'
 * own rules refuse, so run-bench falls back to the slow offline wrapper and says so.
 */
export async function startSlowFakeOpenAI(delayMs: number, configure: (server: FakeOpenAIServer) => void): Promise<{ server: FakeOpenAIServer; env: Record<string, string> }> {
  const server = new FakeOpenAIServer();
  configure(server.delay(delayMs));
  await server.start();
  return {
    server,
    env: { LLM_PROVIDERS: 'openai', OPENAI_API_KEY: server.apiKey, OPENAI_BASE_URL: server.baseUrl, OPENAI_MODEL: server.models[0]! },
  };
}
