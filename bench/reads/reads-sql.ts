/**
 * What both servers of the reads benchmark send to PostgreSQL for `leads(first: N)` with nested
 * proposals: the count, the page (one row more than asked, for hasNextPage), and the page's
 * proposals in one batched query. Leadpilot's own statements (LeadService.list,
 * LeadGraphService.proposalsByLeadIds) are these, to the character (a spec holds the column
 * lists to `selectList`), and both servers prepare the two with parameters.
 */
export const LEAD_COLUMNS =
  '"id", "name", "email", "company", "website", "phone", "message", "budget", "timeline", "language", "source", "status", "fit_score", "priority", "next_action", "score_details", "qualification_date", "first_response_at", "idempotency_key", "input_hash", "pipeline_generation", "erased_at", "unsubscribed_at", "replied_at", "created_at", "updated_at", "version"';
export const PROPOSAL_COLUMNS =
  '"id", "lead_id", "solution_design_id", "revision", "language", "title", "body", "line_items", "total", "currency", "pricing_model", "valid_until", "status", "review_score", "review_notes", "prompt_version", "sent_at", "approvers_notified_at", "basis", "contract_draft", "created_at", "updated_at", "version"';
export const LEAD_COUNT_SQL = 'SELECT count(*)::int AS count FROM leads';
export const LEAD_PAGE_SQL = `SELECT ${LEAD_COLUMNS} FROM leads ORDER BY created_at DESC, id DESC LIMIT $1`;
export const PROPOSALS_BY_LEADS_SQL = `SELECT ${PROPOSAL_COLUMNS} FROM proposals WHERE lead_id = ANY($1::uuid[]) ORDER BY revision ASC`;

/** The query both servers answer. */
export const READS_QUERY = /* GraphQL */ `query BenchLeads {
  leads(first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name email company status priority fitScore createdAt proposals { id revision title status total currency createdAt } } }
  }
}`;
