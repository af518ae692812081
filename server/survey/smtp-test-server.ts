import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** A message the test mail server accepted, parsed. */
export interface CapturedMail {
  to: string[]
  parsed: ParsedMail
}

export interface TestSmtpServer {
  url: string
  messages: CapturedMail[]
  /** Recipients the server refuses with 550 (lower case). */
  refuse: Set<string>
  close(): Promise<void>
}

/**
 * A real SMTP server on a loopback port for tests: it accepts every message (but for recipients in
 * `refuse`), parses it with mailparser and keeps it in `messages`.
 */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const messages: CapturedMail[] = []
  const refuse = new Set<string>()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address.toLowerCase())) {
        const error = new Error('5.1.1 Mailbox unavailable') as Error & { responseCode: number }
        error.responseCode = 550
        return callback(error)
      }
      callback()
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), parsed })
          callback()
        })
        .catch((error: Error) => callback(error))
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refuse,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The survey link in a captured message's text. */
export function linkIn(mail: CapturedMail): string {
  const match = /https?:\/\/\S+\/survey\/[A-Za-z0-9_-]+/.exec(mail.parsed.text ?? '')
  if (!match) throw new Error(`no survey link in: ${mail.parsed.text}`)
  return match[0]
}
