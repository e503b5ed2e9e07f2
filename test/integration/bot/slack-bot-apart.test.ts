import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listenBotServer } from '../../../src/bot/bot-server.js';
import { findFreePort } from '../../../src/database/embedded-postgres.js';
import { Role } from '../../../src/entities/enums.js';
import { FakeSlackServer } from '../../fakes/fake-slack.server.js';
import { buttonClick, interactionBody, postSigned } from '../../fakes/fake-slack-requests.js';
import { startServe, type ServeProcess } from '../../helpers/process.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { ALICE, decisionsOf, eventually, pendingProposal, slackEnv, statusOf } from './slack-test-kit.js';

describe(listenBotServer.name, () => {
  const fake = new FakeSlackServer();
  let api: TestServer;
  let bot: ServeProcess;
  let botUrl: string;

  before(async () => {
    await fake.start();
    api = await startTestServer();
    const { key } = await api.services.apiKeys.create({ name: 'slack-bot apart', role: Role.APPROVER, delegate: true });
    const port = await findFreePort();
    botUrl = `http://127.0.0.1:${port}`;
    bot = startServe(['--roles', 'bot'], { ...slackEnv(fake), DATABASE_URL: new URL(api.config.databaseUrl!).toString(), PORT: String(port), LEADPILOT_API_URL: api.graphqlUrl, LEADPILOT_API_KEY: key });
    await bot.waitFor(/Slack events served/);
  });
  after(async () => {
    bot.child.kill('SIGTERM');
    await bot.exited;
    await api.stop();
    await fake.stop();
  });

  it('runs the bot in a process of its own: /healthz, cards from the other process’s changes, clicks decided through LEADPILOT_API_URL', async () => {
    const health = await fetch(`${botUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');

    const proposal = await pendingProposal(api);
    const card = await fake.waitFor('the card posted by the bot process', () => fake.cardOf(proposal.id));
    const response = await postSigned(botUrl, interactionBody(buttonClick({ actionId: 'proposal_approve', proposalId: proposal.id, userId: ALICE, messageTs: card.ts, responseUrl: fake.responseUrl('apart') })));
    assert.equal(response.status, 200);
    await eventually('the decision', async () => (await decisionsOf(api, proposal.id)).length === 1);
    assert.deepEqual(await decisionsOf(api, proposal.id), [{ decision: 'approved', decided_by: `slack:${ALICE}`, channel: 'slack', feedback: null }]);
    assert.equal(await statusOf(api, proposal.id), 'approved');
    await fake.waitFor('the card updated', () => fake.cardOf(proposal.id)!.updates > 0);
    assert.doesNotMatch(bot.output(), /xoxb-test-fake-slack-token|lp_[A-Za-z0-9_-]{20,}/, 'no secret in the logs');
  });
});
