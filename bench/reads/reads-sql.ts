/**
 * What both servers of the reads benchmark send to PostgreSQL for `leads(first: N)` with nested
 * proposals: the count, the page (one row more than asked, for hasNextPage), and the page's
 * proposals in one batched query. Leadpilot's own statements (LeadService.list,
 * LeadGraphService.proposalsByLeadIds) are these.
 */
export const LEAD_COUNT_SQL = 'SELECT count(*)::int AS count FROM leads';
export const LEAD_PAGE_SQL = 'SELECT * FROM leads ORDER BY created_at DESC, id DESC LIMIT $1';
export const PROPOSALS_BY_LEADS_SQL = 'SELECT * FROM proposals WHERE lead_id = ANY($1::uuid[]) ORDER BY revision ASC';

/** The query both servers answer. */
export const READS_QUERY = /* GraphQL */ `query BenchLeads {
  leads(first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name email company status priority fitScore createdAt proposals { id revision title status total currency createdAt } } }
  }
}`;
