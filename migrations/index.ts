import { InitialSchema1764028800000 } from './1764028800000-initial-schema.js';
import { Pipeline1764115200000 } from './1764115200000-pipeline.js';
import { PromptVersions1764201600000 } from './1764201600000-prompt-versions.js';
import { Slack1764288000000 } from './1764288000000-slack.js';
import { EmailDelivery1764374400000 } from './1764374400000-email-delivery.js';
import { LeadIntake1764460800000 } from './1764460800000-lead-intake.js';
import { Kpis1764547200000 } from './1764547200000-kpis.js';
import { Integrations1764633600000 } from './1764633600000-integrations.js';
import { SlackFollowUps1764720000000 } from './1764720000000-slack-follow-ups.js';
import { KpiRollups1764892800000 } from './1764892800000-kpi-rollups.js';
import { ApiKeyChanges1765065600000 } from './1765065600000-api-key-changes.js';
import { KpiDayLockOrder1765238400000 } from './1765238400000-kpi-day-lock-order.js';
import { KpiRollupsAtCommit1765411200000 } from './1765411200000-kpi-rollups-at-commit.js';

/** Every migration, oldest first. Add new ones at the end. */
export const migrations = [InitialSchema1764028800000, Pipeline1764115200000, PromptVersions1764201600000, Slack1764288000000, EmailDelivery1764374400000, LeadIntake1764460800000, Kpis1764547200000, Integrations1764633600000, SlackFollowUps1764720000000, KpiRollups1764892800000, ApiKeyChanges1765065600000, KpiDayLockOrder1765238400000, KpiRollupsAtCommit1765411200000];
