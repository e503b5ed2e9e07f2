/**
 * Prompt version templates: plain text with `{{default}}` standing for the agent's built-in
 * system prompt. Nothing else is substituted, so any other `{{name}}` is a mistake worth
 * refusing when the template is saved rather than sending it to a model verbatim.
 */
export const PROMPT_PLACEHOLDERS = ['default'] as const;

// `{{ default }}` is accepted too: the spaces are a matter of taste, not a different placeholder.
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders of a template that are not known, as written (`{{name}}`), each once. */
export function findUnknownPlaceholders(template: string): string[] {
  const unknown = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!(PROMPT_PLACEHOLDERS as readonly string[]).includes(match[1]!)) unknown.add(match[0]);
  }
  return [...unknown];
}

/** The template with every `{{default}}` replaced by the built-in system prompt. */
export function renderPromptTemplate(template: string, defaultSystem: string): string {
  // A replacer function, so that `$&` and the like in the system text stay literal.
  return template.replace(PLACEHOLDER, (whole, name: string) => (name === 'default' ? defaultSystem : whole));
}
