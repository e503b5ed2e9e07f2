import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { agentOracle, agentSchemaName } from '../../fakes/agent-oracle.js';
import { behave } from '../../fakes/fake-provider.server.js';
import { FakeOpenAIServer } from '../../fakes/fake-openai.server.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { latestProposal, readLead, settled, submitLead, waitForLead } from '../../helpers/pipeline.js';
import { startServe, stopProcesses, type ServeProcess } from '../../helpers/process.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const LEADS = [
  {
    name: 'Katrin Vogel',
    email: 'k.vogel@vogel-haustechnik.de',
    company: 'Vogel Haustechnik GmbH',
    message:
      'Guten Tag, wir sind ein Handwerksbetrieb mit 60 Mitarbeitern und möchten unsere Einsatzplanung digitalisieren: eine Web-App für das Büro, in der Aufträge angelegt und Monteuren zugewiesen werden, und eine mobile App für die Monteure mit Auftragsliste, Fotos und digitaler Unterschrift des Kunden. Die Daten sollen in unser ERP (Sage) übertragen werden.',
    budget: 60000,
  },
  {
    name: 'Daniel Brooks',
    email: 'daniel@brookslearning.co.uk',
    company: 'Brooks Learning Ltd',
    message:
      'Hi, we run evening courses for adults and need an online booking platform: customers browse courses, book and pay by card, and get reminder e-mails. Our staff need an admin dashboard to manage courses, rooms and attendance. Could you send us a proposal?',
    budget: 40000,
  },
  {
    name: 'Javier Ortega',
    email: 'javier.ortega@clinicaortega.es',
    company: 'Clínica Dental Ortega',
    message:
      'Hola, tenemos tres clínicas dentales y queremos un sistema de citas en línea: los pacientes reservan y cancelan citas desde la web y el móvil, reciben recordatorios por SMS o correo, y el personal gestiona las agendas de los dentistas. ¿Nos pueden enviar un presupuesto?',
    budget: 45000,
  },
];

const firstReplies = (lead: any) => lead.outboundMessages.filter((message: any) => message.kind === 'first_reply');

/**
 * A worker in a child process is killed with SIGKILL while the leads' solution designs are being
 * worked on (the fake model holds those calls open); a new worker takes the expired jobs over.
 * The API runs in this process, on the same database.
 */
describe('the pipeline when its worker is killed mid-way', () => {
  const agency = loadAgencyConfig();
  const oracle = agentOracle(agency);
  const openai = new FakeOpenAIServer();
  /** While true, the architect's calls never get an answer. */
  let holdDesigns = true;
  let database: TestDatabase;
  let server: TestServer;
  const workers: ServeProcess[] = [];
  const pipelineEnv = { PIPELINE_STEP_TIMEOUT: '3s', PIPELINE_STEP_RETRIES: '3', PIPELINE_RETRY_DELAY: '1s' };

  function startWorker(): ServeProcess {
    const worker = startServe(['--roles', 'worker'], { ...pipelineEnv, DATABASE_URL: database.url, ...openai.leadpilotEnv() });
    workers.push(worker);
    return worker;
  }

  before(async () => {
    await openai.start();
    openai.answerWith((request) => (holdDesigns && agentSchemaName(request) === 'solution_design' ? behave('hang') : oracle(request)));
    database = await createTestDatabase();
    server = await startTestServer({ database, env: pipelineEnv });
  });
  after(async () => {
    await stopProcesses(workers);
    await server.stop();
    await database.drop();
    await openai.close();
  });

  it('gives the step timeout to the queue, so a dead worker’s jobs come back within seconds', async () => {
    const rows = (await server.dataSource.query(`SELECT expire_seconds, retry_delay, retry_limit FROM pgboss.queue WHERE name = 'proposal-design'`)) as {
      expire_seconds: number;
      retry_delay: number;
      retry_limit: number;
    }[];
    assert.deepEqual(rows, [{ expire_seconds: 3, retry_delay: 1, retry_limit: 3 }]);
  });

  it('finishes every lead after a SIGKILL and a restart, with one proposal and one first reply each', async () => {
    const first = startWorker();
    await first.waitFor(/pipeline worker started/);
    const ids: string[] = [];
    for (const lead of LEADS) ids.push(await submitLead(server, lead));

    // Every lead is in the middle of its pipeline: IN_PROGRESS, its design call held open by the model.
    const held = () => openai.requests.filter((request) => request.status === 'hang').length;
    const deadline = Date.now() + 60_000;
    while (held() < LEADS.length) {
      if (Date.now() > deadline) throw new Error(`only ${held()} design calls arrived; worker output:\n${first.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const id of ids) {
      const lead = await readLead(server, id);
      assert.equal(lead.status, 'IN_PROGRESS');
      assert.equal(lead.proposals.length, 0);
    }

    first.child.kill('SIGKILL');
    await first.exited;
    assert.equal(first.child.signalCode, 'SIGKILL');

    holdDesigns = false;
    const second = startWorker();
    await second.waitFor(/pipeline worker started/);
    for (const id of ids) {
      const lead = await waitForLead(server, id, settled, 90_000);
      assert.equal(lead.status, 'AWAITING_APPROVAL', JSON.stringify(lead.activities.map((entry: any) => entry.type)));
      assert.equal(lead.proposals.length, 1, 'exactly one proposal revision');
      assert.equal(latestProposal(lead).status, 'PENDING_APPROVAL');
      assert.equal(firstReplies(lead).length, 1, 'exactly one first reply');
      assert.equal(lead.solutionDesigns.length, 1, 'one solution design');
    }
    assert.deepEqual(openai.answererErrors, []);

    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  });
});
