import type { AgencyConfig, AgencyLanguage } from '../agents/agency-config.js';
import type { Proposal } from '../entities/proposal.entity.js';
import { formatDay, formatMoney, MAIL_TEXTS } from './templates/mail-texts.js';

/** pdfkit (5 MiB resident) is loaded by the first proposal sent, not by every process at start. */
const importPdfkit = () => import('pdfkit');
let pdfkit: ReturnType<typeof importPdfkit> | undefined;
const loadPdfkit = () => (pdfkit ??= importPdfkit());

/**
 * The proposal as a PDF, in pure JavaScript (pdfkit, its built-in Helvetica). Rendered when the
 * mail is sent, from the approved revision (which no longer changes), so the outbox does not hold
 * megabytes of base64 and a retry attaches the same document.
 */
export async function renderProposalPdf(proposal: Proposal, recipient: { name: string | null; company: string | null }, language: AgencyLanguage, agency: AgencyConfig): Promise<Buffer> {
  const { default: PDFDocument } = await loadPdfkit();
  const texts = MAIL_TEXTS[language].pdf;
  const money = (amount: number) => formatMoney(amount, proposal.currency, language);
  const document = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: proposal.title, Author: agency.name, Subject: texts.proposal, CreationDate: proposal.updatedAt },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });

  document.font('Helvetica-Bold').fontSize(10).fillColor('#627d98').text(agency.name);
  if (agency.contact.address) document.font('Helvetica').text(agency.contact.address);
  document.font('Helvetica').text([agency.website, agency.contact.email, agency.contact.phone].filter(Boolean).join(' · '));
  document.moveDown(2);
  document.fillColor('#1f2933').font('Helvetica-Bold').fontSize(20).text(`${texts.proposal}: ${proposal.title}`);
  const who = [recipient.name, recipient.company].filter(Boolean).join(', ');
  if (who) document.font('Helvetica').fontSize(11).text(`${texts.preparedFor}: ${who}`);
  if (proposal.validUntil) document.font('Helvetica').fontSize(11).text(`${texts.validUntil}: ${formatDay(proposal.validUntil, language)}`);
  document.moveDown();

  for (const line of plainLines(proposal.body)) {
    if (line.heading) document.moveDown(0.5).font('Helvetica-Bold').fontSize(13).text(line.text);
    else if (line.text === '') document.moveDown(0.4);
    else document.font('Helvetica').fontSize(10.5).text(line.text, { align: 'left' });
  }

  document.moveDown();
  document.font('Helvetica-Bold').fontSize(11).text(`${texts.item} · ${texts.days} · ${texts.rate} · ${texts.amount}`);
  for (const item of proposal.lineItems) {
    const details = [item.days != null ? `${item.days} ${texts.days}` : null, item.rate != null ? money(item.rate) : null].filter(Boolean).join(' × ');
    document.font('Helvetica').fontSize(10.5).text(`${item.description}${details ? ` (${details})` : ''}: ${money(item.amount)}`);
  }
  document.moveDown(0.5).font('Helvetica-Bold').fontSize(12).text(`${texts.total}: ${money(proposal.total)}`);
  document.moveDown(2).font('Helvetica').fontSize(10).text(agency.signature[language]);
  document.end();
  return finished;
}

/** Markdown, read as a person would print it: headings bold, emphasis and list markers kept simple. */
function plainLines(markdown: string): { text: string; heading: boolean }[] {
  return markdown.split('\n').map((raw) => {
    const heading = /^#{1,6}\s+/.test(raw);
    const text = raw
      .replace(/^#{1,6}\s+/, '')
      .replace(/\*\*(.+?)\*\*/g, '$1')
      .replace(/(^|\s)[*_](.+?)[*_](?=\s|$)/g, '$1$2')
      .replace(/^\s*[-*]\s+/, '• ')
      .replace(/`/g, '')
      .trimEnd();
    return { text, heading };
  });
}
