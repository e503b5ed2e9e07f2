import { AgentRun } from './agent-run.entity.js';
import { ApiKey } from './api-key.entity.js';
import { ApprovalDecision } from './approval-decision.entity.js';
import { LeadActivity } from './lead-activity.entity.js';
import { Lead } from './lead.entity.js';
import { OutboundMessage } from './outbound-message.entity.js';
import { PromptVersion } from './prompt-version.entity.js';
import { Proposal } from './proposal.entity.js';
import { SolutionDesign } from './solution-design.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';

export { AgentRun, ApiKey, ApprovalDecision, Lead, LeadActivity, OutboundMessage, PromptVersion, Proposal, SolutionDesign, WebhookDelivery, WebhookEndpoint };

export const entities = [Lead, LeadActivity, SolutionDesign, Proposal, ApprovalDecision, AgentRun, OutboundMessage, ApiKey, PromptVersion, WebhookEndpoint, WebhookDelivery];
