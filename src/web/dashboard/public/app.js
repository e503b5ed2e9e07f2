// The Leadpilot dashboard: a single-page app over the GraphQL API. Routes are paths under
// /dashboard (deep links work: the server answers every one with this app).
import { createLiveConnection, GraphQLRequestError, request, session } from './api.js';
import { dayChart } from './charts.js';
import { formatMoney, formatRate, formatSeconds, formatTime, h, replace } from './dom.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const liveStatus = document.getElementById('live-status');

let viewer = null;
let live = null;
/** Stops the current view's subscriptions when navigating away. */
let leaveView = [];

const canDecide = () => viewer && (viewer.role === 'APPROVER' || viewer.role === 'ADMIN');
const isAdmin = () => viewer?.role === 'ADMIN';

// ---------------------------------------------------------------- routing

function navigate(path) {
  history.pushState(null, '', path);
  void render();
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[href^="/dashboard"]') : null;
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', () => void render());
document.getElementById('sign-out').addEventListener('click', () => signOut());

const link = (path, ...children) => h('a', { href: path }, ...children);

async function render() {
  for (const stop of leaveView.splice(0)) stop();
  if (!session.key || !viewer) {
    if (session.key && (await loadViewer())) return render();
    return showSignIn();
  }
  const path = location.pathname.replace(/\/+$/, '');
  const [, , section, id] = path.split('/');
  try {
    if (!section) return await showOverview();
    if (section === 'approvals') return await showApprovals();
    if (section === 'pipeline') return await showPipeline();
    if (section === 'agents') return await showAgents();
    if (section === 'proposals' && id) return await showProposal(decodeURIComponent(id));
    if (section === 'leads' && id) return await showLead(decodeURIComponent(id));
    replace(main, h('h1', {}, 'Not found'), h('p', {}, link('/dashboard', 'Back to the overview')));
  } catch (error) {
    showError(error);
  }
}

function showError(error) {
  if (error instanceof GraphQLRequestError && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN') && !viewer) return signOut();
  replace(main, h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
}

// ---------------------------------------------------------------- session

async function loadViewer() {
  try {
    const data = await request('query Viewer { viewer { name role } }');
    viewer = data.viewer;
    nav.hidden = false;
    for (const item of nav.querySelectorAll('[data-role="admin"]')) item.hidden = !isAdmin();
    live = createLiveConnection({
      onStatus: (status) => (liveStatus.textContent = status === 'live' ? '● live' : '○ reconnecting'),
      onRefused: () => signOut('Your key is no longer accepted.'),
    });
    return true;
  } catch {
    session.key = null;
    return false;
  }
}

function signOut(message) {
  session.key = null;
  viewer = null;
  live?.close();
  live = null;
  nav.hidden = true;
  liveStatus.textContent = '';
  showSignIn(message);
}

function showSignIn(message) {
  const input = h('input', { id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', required: true, placeholder: 'lp_…' });
  const problem = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    {
      class: 'card sign-in',
      onsubmit: async (event) => {
        event.preventDefault();
        session.key = input.value.trim();
        if (await loadViewer()) return render();
        replace(problem, 'That key was not accepted (a VIEWER key or above is needed).');
      },
    },
    h('h1', {}, 'Sign in'),
    h('label', { for: 'api-key' }, 'API key (viewer, approver or admin)'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
    h('p', { class: 'hint' }, 'The key is kept for this browser tab only (session storage).'),
    problem,
  );
  replace(main, form);
  input.focus();
}

// ---------------------------------------------------------------- overview: KPI tiles and charts

const KPI_QUERY = `
  targets { responseSeconds proposalGenerationSeconds leadToProposalRate proposalToContractRate averageDealSize apiErrorRate }
  responseTime { leads count medianSeconds p95Seconds withinTargetRate mailTransportConfigured }
  proposalGeneration { count medianSeconds p95Seconds withinTargetRate }
  approvalLatency { count medianSeconds p95Seconds }
  conversion { leads leadsWithProposal leadToProposalRate leadsWithSentProposal leadsWon proposalToContractRate deals totalDealSize averageDealSize pipelineValue }
  reliability { graphqlOperations agentRuns apiErrorRate llmCost }
  daily { day leads responseMedianSeconds leadToProposalRate }`;

async function showOverview() {
  const tiles = h('section', { class: 'tiles', id: 'kpi-tiles', 'aria-label': 'KPIs, last 30 days' });
  const charts = h('section', { class: 'charts' });
  replace(main, h('h1', {}, 'Last 30 days'), tiles, h('h2', {}, 'Day by day'), charts);
  const draw = (kpis) => {
    replace(tiles, kpiTiles(kpis));
    const days = kpis.daily.map((day) => day.day);
    replace(
      charts,
      dayChart({ title: 'Median response time (s)', days, values: kpis.daily.map((day) => day.responseMedianSeconds), target: kpis.targets.responseSeconds, format: (value) => Math.round(value) }),
      dayChart({ title: 'Lead → proposal', days, values: kpis.daily.map((day) => day.leadToProposalRate), target: kpis.targets.leadToProposalRate, format: (value) => `${Math.round(value * 100)}%` }),
      dayChart({ title: 'Leads per day', days, values: kpis.daily.map((day) => day.leads), kind: 'bar', format: (value) => Math.round(value) }),
    );
  };
  draw((await request(`query Kpis { kpis { ${KPI_QUERY} } }`)).kpis);
  leaveView.push(
    live.subscribe(`subscription KpisUpdated { kpisUpdated { ${KPI_QUERY} } }`, {}, (result) => {
      if (result.data?.kpisUpdated) draw(result.data.kpisUpdated);
    }),
  );
}

function kpiTiles(kpis) {
  const { targets: t, responseTime: r, proposalGeneration: g, approvalLatency: a, conversion: c, reliability: e } = kpis;
  // below: the figure should be under its target; above: over it.
  const judge = (value, target, below) => (value === null || value === undefined ? 'none' : (below ? value < target : value >= target) ? 'good' : 'bad');
  const tile = (id, label, value, detail, verdict = 'none') =>
    h('article', { class: `tile ${verdict}`, 'data-kpi': id }, h('h3', {}, label), h('p', { class: 'value' }, value), h('p', { class: 'detail' }, detail));
  return [
    tile('response', 'Lead response (median)', formatSeconds(r.medianSeconds), `target < ${formatSeconds(t.responseSeconds)} · ${formatRate(r.withinTargetRate)} within · n=${r.count}${r.mailTransportConfigured ? '' : ' · no mail transport: outbox time'}`, judge(r.medianSeconds, t.responseSeconds, true)),
    tile('generation', 'Proposal generation (median)', formatSeconds(g.medianSeconds), `target < ${formatSeconds(t.proposalGenerationSeconds)} · p95 ${formatSeconds(g.p95Seconds)} · n=${g.count}`, judge(g.medianSeconds, t.proposalGenerationSeconds, true)),
    tile('lead-to-proposal', 'Lead → proposal', formatRate(c.leadToProposalRate), `target > ${formatRate(t.leadToProposalRate)} · ${c.leadsWithProposal} of ${c.leads}`, judge(c.leadToProposalRate, t.leadToProposalRate, false)),
    tile('proposal-to-contract', 'Proposal → contract', formatRate(c.proposalToContractRate), `target > ${formatRate(t.proposalToContractRate)} · ${c.leadsWon} of ${c.leadsWithSentProposal}`, judge(c.proposalToContractRate, t.proposalToContractRate, false)),
    tile('deal-size', 'Average deal', formatMoney(c.averageDealSize), `target ≥ ${formatMoney(t.averageDealSize)} · ${c.deals} deals · ${formatMoney(c.totalDealSize)} total`, judge(c.averageDealSize, t.averageDealSize, false)),
    tile('pipeline-value', 'Pipeline value', formatMoney(c.pipelineValue), 'pending approval + sent, now'),
    tile('approval-latency', 'Approval latency (median)', formatSeconds(a.medianSeconds), `p95 ${formatSeconds(a.p95Seconds)} · n=${a.count} decisions`),
    tile('error-rate', 'API error rate', formatRate(e.apiErrorRate), `target < ${formatRate(t.apiErrorRate)} · ${e.graphqlOperations} operations, ${e.agentRuns} agent runs`, judge(e.apiErrorRate, t.apiErrorRate, true)),
    tile('llm-cost', 'LLM cost', `$${e.llmCost.toFixed(2)}`, `${e.agentRuns} agent runs`),
  ];
}

// ---------------------------------------------------------------- approval queue and proposals

const PROPOSAL_FIELDS = 'id leadId revision title body total currency status language pricingModel reviewScore promptVersion createdAt lineItems { description days rate amount } decisions { decision feedback decidedBy createdAt } lead { id name company }';

async function showApprovals() {
  const list = h('ul', { class: 'list', id: 'approval-queue' });
  replace(main, h('h1', {}, 'Waiting for approval'), list);
  const draw = async () => {
    const { approvalQueue } = await request('query ApprovalQueue { approvalQueue { id revision title total currency createdAt lead { name company } } }');
    replace(
      list,
      approvalQueue.length
        ? approvalQueue.map((proposal) =>
            h('li', {}, link(`/dashboard/proposals/${proposal.id}`, proposal.title), h('span', { class: 'meta' }, ` · ${proposal.lead.company ?? proposal.lead.name} · rev. ${proposal.revision} · ${formatMoney(proposal.total, proposal.currency)} · since ${formatTime(proposal.createdAt)}`)),
          )
        : h('li', { class: 'empty' }, 'Nothing is waiting.'),
    );
  };
  await draw();
  leaveView.push(live.subscribe('subscription Proposals { proposalUpdated { id status } }', {}, () => void draw().catch(showError)));
}

async function showProposal(id) {
  const { proposal } = await request(`query Proposal($id: ID!) { proposal(id: $id) { ${PROPOSAL_FIELDS} } }`, { id });
  if (!proposal) return replace(main, h('h1', {}, 'No such proposal'), h('p', {}, link('/dashboard/approvals', 'Back to the queue')));
  const status = h('p', { class: 'status', id: 'proposal-status' }, proposal.status);
  const actions = h('section', { class: 'actions' });
  const feedback = h('p', { class: 'error', role: 'alert' });
  replace(
    main,
    h('h1', {}, proposal.title),
    h('p', { class: 'meta' }, link(`/dashboard/leads/${proposal.leadId}`, proposal.lead.company ?? proposal.lead.name), ` · revision ${proposal.revision} · ${proposal.language} · prompt ${proposal.promptVersion ?? 'built-in'}`),
    status,
    h('pre', { class: 'body' }, proposal.body),
    lineItemsTable(proposal),
    h('p', { class: 'total' }, `Total ${formatMoney(proposal.total, proposal.currency)}`),
    proposal.decisions.map((decision) => h('p', { class: 'decision' }, `${decision.decision} by ${decision.decidedBy} at ${formatTime(decision.createdAt)}${decision.feedback ? `: ${decision.feedback}` : ''}`)),
    actions,
    feedback,
  );
  if (!canDecide()) return;
  const act = async (work) => {
    replace(feedback);
    try {
      await work();
    } catch (error) {
      replace(feedback, error instanceof Error ? error.message : String(error));
    }
  };
  if (proposal.status === 'PENDING_APPROVAL') {
    const comment = h('textarea', { id: 'decision-text', rows: 3, placeholder: 'Comment (approve) or feedback (reject, required)' });
    actions.append(
      h('label', { for: 'decision-text' }, 'Comment or feedback'),
      comment,
      h('div', { class: 'buttons' },
        h('button', { type: 'button', id: 'approve', onclick: () => act(async () => {
          const { approveProposal } = await request('mutation Approve($id: ID!, $comment: String) { approveProposal(id: $id, comment: $comment) { id status } }', { id, comment: comment.value.trim() || null });
          replace(status, approveProposal.status);
          replace(actions);
        }) }, 'Approve'),
        h('button', { type: 'button', id: 'reject', class: 'danger', onclick: () => act(async () => {
          if (!comment.value.trim()) throw new Error('Feedback is required to reject: say what the next revision should change.');
          const { rejectProposal } = await request('mutation Reject($id: ID!, $feedback: String!) { rejectProposal(id: $id, feedback: $feedback) { id status } }', { id, feedback: comment.value.trim() });
          replace(status, rejectProposal.status);
          replace(actions);
        }) }, 'Reject'),
      ),
    );
  }
  if (proposal.status === 'PENDING_APPROVAL' || proposal.status === 'REJECTED') {
    const title = h('input', { id: 'edit-title', value: proposal.title });
    const body = h('textarea', { id: 'edit-body', rows: 12 });
    body.value = proposal.body;
    const total = h('input', { id: 'edit-total', type: 'number', step: '0.01', min: '0', value: String(proposal.total) });
    actions.append(
      h('details', { class: 'edit' },
        h('summary', {}, 'Edit (makes a new revision)'),
        h('label', { for: 'edit-title' }, 'Title'), title,
        h('label', { for: 'edit-body' }, 'Text (Markdown)'), body,
        h('label', { for: 'edit-total' }, 'Total'), total,
        h('button', { type: 'button', id: 'save-edit', onclick: () => act(async () => {
          const input = {};
          if (title.value !== proposal.title) input.title = title.value;
          if (body.value !== proposal.body) input.body = body.value;
          if (Number(total.value) !== proposal.total) input.total = Number(total.value);
          const { editProposal } = await request('mutation Edit($id: ID!, $input: EditProposalInput!) { editProposal(id: $id, input: $input) { id } }', { id, input });
          navigate(`/dashboard/proposals/${editProposal.id}`);
        }) }, 'Save as new revision'),
      ),
    );
  }
}

function lineItemsTable(proposal) {
  return h('table', { class: 'items' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', {}, 'Days'), h('th', {}, 'Amount'))),
    h('tbody', {}, proposal.lineItems.map((item) => h('tr', {}, h('td', {}, item.description), h('td', {}, item.days ?? ''), h('td', {}, formatMoney(item.amount, proposal.currency))))),
  );
}

// ---------------------------------------------------------------- pipeline: leads by stage, live

const STAGES = ['NEW', 'QUALIFYING', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'SENT', 'WON', 'LOST', 'FAILED', 'DISQUALIFIED', 'SPAM'];

async function showPipeline() {
  const board = h('section', { class: 'board', id: 'pipeline' });
  replace(main, h('h1', {}, 'Pipeline'), board);
  const { leads } = await request('query Leads { leads(first: 100) { edges { node { id name company status createdAt } } } }');
  const byId = new Map(leads.edges.map((edge) => [edge.node.id, edge.node]));
  const draw = () => {
    replace(
      board,
      STAGES.map((stage) => {
        const inStage = [...byId.values()].filter((lead) => lead.status === stage).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        return h('div', { class: 'column', 'data-stage': stage },
          h('h2', {}, `${stage.replace(/_/g, ' ').toLowerCase()} (${inStage.length})`),
          h('ul', {}, inStage.map((lead) => h('li', { 'data-lead': lead.id }, link(`/dashboard/leads/${lead.id}`, lead.company ?? lead.name)))),
        );
      }),
    );
  };
  draw();
  leaveView.push(
    live.subscribe('subscription LeadUpdated { leadUpdated { id name company status createdAt } }', {}, (result) => {
      const lead = result.data?.leadUpdated;
      if (!lead) return;
      byId.set(lead.id, lead);
      draw();
    }),
  );
}

// ---------------------------------------------------------------- a lead and its timeline

async function showLead(id) {
  const { lead } = await request(
    `query Lead($id: ID!) { lead(id: $id) {
      id name email company website message budget timeline language source status fitScore priority firstResponseAt createdAt
      activities { id type data actor createdAt }
      solutionDesigns { id revision summary alternatives confidence createdAt }
      proposals { id revision title body total currency status createdAt lineItems { description amount } decisions { decision feedback decidedBy createdAt } }
      outboundMessages { id kind channel subject status sentAt createdAt }
    } }`,
    { id },
  );
  if (!lead) return replace(main, h('h1', {}, 'No such lead'));
  const events = [];
  for (const activity of lead.activities) events.push({ at: activity.createdAt, kind: 'activity', node: h('span', {}, h('strong', {}, activity.type), ` by ${activity.actor}`, Object.keys(activity.data).length ? h('code', {}, ` ${JSON.stringify(activity.data)}`) : null) });
  for (const design of lead.solutionDesigns) {
    const alternatives = Array.isArray(design.alternatives) ? design.alternatives : [];
    events.push({ at: design.createdAt, kind: 'design', node: h('span', {}, h('strong', {}, `Design rev. ${design.revision}`), ` ${design.summary}`,
      alternatives.length ? h('ul', { class: 'alternatives' }, alternatives.map((alternative) => h('li', {}, typeof alternative === 'string' ? alternative : [alternative.name ?? alternative.title ?? alternative.id ?? 'alternative', alternative.reason || alternative.rationale ? ` — ${alternative.reason ?? alternative.rationale}` : '', alternative.chosen ? ' (chosen)' : '']))) : null) });
  }
  const revisions = [...lead.proposals].sort((a, b) => a.revision - b.revision);
  revisions.forEach((proposal, index) => {
    const previous = revisions[index - 1];
    events.push({ at: proposal.createdAt, kind: 'proposal', node: h('span', {}, h('strong', {}, `Proposal rev. ${proposal.revision}`), ' ', link(`/dashboard/proposals/${proposal.id}`, proposal.title), ` · ${proposal.status} · ${formatMoney(proposal.total, proposal.currency)}`, previous ? h('em', { class: 'changes' }, ` changed: ${changesBetween(previous, proposal)}`) : null) });
    for (const decision of proposal.decisions) events.push({ at: decision.createdAt, kind: 'decision', node: h('span', {}, h('strong', {}, `${decision.decision}`), ` rev. ${proposal.revision} by ${decision.decidedBy}`, decision.feedback ? `: ${decision.feedback}` : '') });
  });
  for (const message of lead.outboundMessages) events.push({ at: message.createdAt, kind: 'message', node: h('span', {}, h('strong', {}, `${message.channel} ${message.kind}`), ` ${message.subject ?? ''} · ${message.status}${message.sentAt ? ` (sent ${formatTime(message.sentAt)})` : ''}`) });
  events.sort((a, b) => a.at.localeCompare(b.at));
  replace(
    main,
    h('h1', { id: 'lead-name' }, lead.company ? `${lead.company} — ${lead.name}` : lead.name),
    h('p', { class: 'status' }, `${lead.status} · ${lead.source} · ${lead.language} · fit ${lead.fitScore ?? '–'} · ${lead.priority ?? ''}`),
    h('dl', { class: 'facts' },
      h('dt', {}, 'E-mail'), h('dd', {}, lead.email),
      h('dt', {}, 'Budget'), h('dd', {}, formatMoney(lead.budget)),
      h('dt', {}, 'Timeline'), h('dd', {}, lead.timeline ?? '–'),
      h('dt', {}, 'Captured'), h('dd', {}, formatTime(lead.createdAt)),
      h('dt', {}, 'First reply'), h('dd', {}, formatTime(lead.firstResponseAt)),
    ),
    h('h2', {}, 'Message'),
    h('pre', { class: 'body', id: 'lead-message' }, lead.message),
    h('h2', {}, 'Timeline'),
    h('ol', { class: 'timeline' }, events.map((event) => h('li', { class: event.kind }, h('time', {}, formatTime(event.at)), ' ', event.node))),
  );
}

function changesBetween(before, after) {
  const changed = [];
  if (before.title !== after.title) changed.push('title');
  if (before.body !== after.body) changed.push('text');
  if (before.total !== after.total) changed.push(`total ${formatMoney(before.total, before.currency)} → ${formatMoney(after.total, after.currency)}`);
  if (JSON.stringify(before.lineItems) !== JSON.stringify(after.lineItems)) changed.push('line items');
  return changed.length ? changed.join(', ') : 'nothing';
}

// ---------------------------------------------------------------- agents (admins)

async function showAgents() {
  if (!isAdmin()) return replace(main, h('h1', {}, 'Agents'), h('p', {}, 'Only admins manage agents.'));
  const { agents, kpis } = await request(`query Agents { agents { name strategy description runs successRate latencyP50Ms latencyP95Ms totalCost fallbackRate activePromptVersions { id version weight builtin } }
    kpis { byPromptVersion { name proposals decided approvalRate firstDecisions firstTimeApprovalRate outcomes winRate } } }`);
  const results = new Map(kpis.byPromptVersion.map((row) => [row.name, row]));
  const sections = agents.map((agent) => {
    const versions = h('div', { class: 'versions' }, h('button', { type: 'button', onclick: () => void showVersions(agent, versions, results).catch(showError) }, 'Prompt versions'));
    return h('article', { class: 'card agent', 'data-agent': agent.name },
      h('h2', {}, agent.name),
      h('p', { class: 'meta' }, `${agent.strategy} · ${agent.description}`),
      h('p', {}, `${agent.runs} runs (7 days) · success ${formatRate(agent.successRate)} · p50 ${agent.latencyP50Ms === null ? '–' : Math.round(agent.latencyP50Ms)} ms · p95 ${agent.latencyP95Ms === null ? '–' : Math.round(agent.latencyP95Ms)} ms · $${agent.totalCost.toFixed(4)} · fallback ${formatRate(agent.fallbackRate)}`),
      h('p', {}, `Active: ${agent.activePromptVersions.map((version) => `${version.version} (${version.weight})`).join(', ')}`),
      versions,
    );
  });
  replace(main, h('h1', {}, 'Agents'), sections);
}

async function showVersions(agent, container, results) {
  const { promptVersions } = await request('query Versions($agent: String!) { promptVersions(agent: $agent) { id version weight active createdAt } }', { agent: agent.name });
  const problem = h('p', { class: 'error', role: 'alert' });
  const weights = new Map();
  const rows = promptVersions.map((version) => {
    const result = results.get(version.version);
    const weight = h('input', { type: 'number', min: '0', max: '100', step: '1', value: String(version.weight), 'aria-label': `weight of ${version.version}` });
    weights.set(version.id, weight);
    return h('tr', {},
      h('td', {}, version.version),
      h('td', {}, weight),
      h('td', {}, result ? `approval ${formatRate(result.approvalRate)} (n=${result.decided}) · first-time ${formatRate(result.firstTimeApprovalRate)} (n=${result.firstDecisions}) · win ${formatRate(result.winRate)} (n=${result.outcomes})` : 'no proposals yet'),
      h('td', {}, h('button', { type: 'button', onclick: async () => {
        try {
          await request('mutation Activate($id: ID!) { activatePromptVersion(id: $id) { id } }', { id: version.id });
          await showVersions(agent, container, results);
        } catch (error) {
          replace(problem, error.message);
        }
      } }, 'Activate alone')),
    );
  });
  replace(
    container,
    promptVersions.length
      ? [
          h('table', { class: 'items' }, h('thead', {}, h('tr', {}, h('th', {}, 'Version'), h('th', {}, 'Weight'), h('th', {}, 'Results (30 days)'), h('th', {}, ''))), h('tbody', {}, rows)),
          h('button', { type: 'button', onclick: async () => {
            try {
              const input = [...weights].map(([versionId, field]) => ({ id: versionId, weight: Number(field.value) }));
              await request('mutation Weights($agent: String!, $weights: [PromptWeightInput!]!) { setPromptWeights(agent: $agent, weights: $weights) { id } }', { agent: agent.name, weights: input });
              await showVersions(agent, container, results);
            } catch (error) {
              replace(problem, error.message);
            }
          } }, 'Save weights'),
        ]
      : h('p', {}, 'No versions besides the built-in prompt (create one with createPromptVersion).'),
    problem,
  );
}

void render();
