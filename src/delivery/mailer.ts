import nodemailer from 'nodemailer';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** One e-mail as it leaves: every header the outbox decided, including its stable Message-ID. */
export interface OutgoingMail {
  from: string;
  to: string[];
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
  attachments: MailAttachment[];
}

/** What the SMTP server said when it took the message. */
export interface MailReceipt {
  accepted: string[];
  response: string;
}

/** The port the delivery worker sends through. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<MailReceipt>;
  close(): void;
}

/** Per SMTP conversation; a send that hangs beyond these is failed and retried later. */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/**
 * nodemailer over `SMTP_URL`, with a small pool of open connections: connecting and the server's
 * greeting (many servers pause before it, smtp-server 100 ms) are paid once per connection, not
 * per message, which is most of a first reply's delivery time. A broken pooled connection fails
 * its message, which is retried like any other failure. The Message-ID is ours (set when the
 * message was written to the outbox), never one nodemailer generates, so a retry is the same
 * message.
 */
export function createSmtpMailer(smtpUrl: string): Mailer {
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 4, maxMessages: 100, ...SMTP_TIMEOUTS });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers,
        attachments: mail.attachments.map((attachment) => ({ filename: attachment.filename, content: attachment.content, contentType: attachment.contentType })),
      });
      return { accepted: (info.accepted ?? []).map(String), response: String(info.response ?? '') };
    },
    close() {
      transport.close();
    },
  };
}

/** An SMTP reply that will not change on retry (5xx): the message is failed at once. */
export function isPermanentSmtpError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { responseCode?: unknown }).responseCode : undefined;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** The error as recorded on the row: the SMTP reply or the network error, never credentials. */
export function describeMailError(error: unknown, smtpUrl: string | undefined): string {
  let message = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
  if (smtpUrl) {
    try {
      const url = new URL(smtpUrl);
      for (const secret of [url.password, decodeURIComponent(url.password)].filter((value) => value.length > 0)) message = message.split(secret).join('***');
    } catch {
      // The config validated it; nothing to redact otherwise.
    }
  }
  return message.length > 500 ? `${message.slice(0, 497)}...` : message;
}
