import { FakeOpenAIServer } from '../test/fakes/fake-openai.server.js';

/**
 * The honest way to the 800 ms model: the fake OpenAI server, reached through OPENAI_BASE_URL by
 * the real OpenAI adapter (retries, repair, breaker and recording included), answering after
 * `delayMs`. Its answers must be valid for each agent: `configure` installs the per-agent answer
 * oracle (test/fakes/agent-oracle.ts, `answerWith`) once that exists; without it the fake answers
 * with schema samples, which the agents' own rules refuse, so run-bench does not offer this mode
 * until the oracle is there.
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
