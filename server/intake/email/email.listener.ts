import type { AddressInfo } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import type { EmailListenerConfig } from './email.config.ts'
import { type InboundEmail, parseEmail } from './email.message.ts'
import { type EmailIntakeDeps, type EmailOutcome, recordInboundEmail } from './email.service.ts'

export interface EmailListener {
  /** Where it listens (the port chosen when RELAIS_SMTP_LISTEN_PORT is 0). */
  readonly address: AddressInfo
  /** Stops taking connections and waits for the messages being stored. */
  close(): Promise<void>
}

type Log = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>

/** An SMTP reply other than 250: smtp-server sends `responseCode` and the message. */
function reply(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode })
}

/** How long closing waits for connections still open before it ends them (421). */
const CLOSE_TIMEOUT_MS = 10_000

/**
 * Relais' own SMTP listener, behind the line's mail exchanger: it takes mail for the intake
 * mailboxes only, and answers 250 to DATA only once the message is committed. Anything that keeps it
 * from storing the message now (the database, the sender's per-minute allowance) answers 451, so the
 * relay keeps the message and tries again; nothing acknowledged is lost, nothing is polled.
 */
export async function startEmailListener(
  deps: EmailIntakeDeps,
  config: EmailListenerConfig,
  log: Log,
): Promise<EmailListener> {
  const storing = new Set<Promise<unknown>>()

  async function store(raw: Buffer, session: SMTPServerSession): Promise<EmailOutcome> {
    let email: InboundEmail
    try {
      email = await parseEmail(raw, config.attachments)
    } catch {
      log.warn({ channel: 'email', bytes: raw.length }, 'email refused: it could not be parsed')
      throw reply(554, 'Error: the message could not be parsed')
    }
    const mailFrom = session.envelope.mailFrom
    // The null reverse-path (MAIL FROM:<>) is a bounce or another automatic notice (RFC 5321 §4.5.5).
    const bounce = mailFrom === false || mailFrom.address === ''
    const audit = { actorId: null, actorLabel: 'email', address: session.remoteAddress, requestId: null }
    try {
      return await recordInboundEmail(deps, email, raw, { bounce, audit })
    } catch (error) {
      const code = (error as { code?: unknown }).code
      log.error({ channel: 'email', code: typeof code === 'string' ? code : null }, 'email not stored: 451')
      throw reply(451, 'Error: the message could not be stored now, try again later')
    }
  }

  const server = new SMTPServer({
    // A relay in front of Relais delivers here: it does not log in.
    authOptional: true,
    disabledCommands: config.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(config.tls ? { key: config.tls.key, cert: config.tls.cert } : {}),
    size: config.maxBytes,
    rejectOversized: true,
    hideENHANCEDSTATUSCODES: false,
    closeTimeout: CLOSE_TIMEOUT_MS,
    // Its own log lines name senders and recipients.
    logger: false,
    onRcptTo(address, _session, callback) {
      if (config.mailboxes.accepts(address.address)) return callback()
      callback(reply(550, 'Error: no such mailbox here'))
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = []
      // Past the limit the rest is read and dropped, never held in memory.
      stream.on('data', (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk)
      })
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          log.warn({ channel: 'email', bytes: stream.byteLength }, 'email refused: over the size limit')
          return callback(reply(552, `Error: message exceeds fixed maximum message size ${config.maxBytes}`))
        }
        const raw = Buffer.concat(chunks)
        const work = store(raw, session).then(
          (outcome) => {
            if (outcome.kind === 'throttled') {
              log.warn(
                { channel: 'email', seconds: outcome.seconds },
                'email deferred: sender over its allowance',
              )
              return callback(reply(451, 'Error: too many messages from this sender, try again later'))
            }
            if (outcome.kind === 'stored') {
              log.info(
                {
                  channel: 'email',
                  signalId: outcome.signalId,
                  opened: outcome.opened,
                  continuesSignalId: outcome.continuesSignalId,
                  bytes: raw.length,
                },
                'email stored',
              )
            } else {
              log.info({ channel: 'email', outcome: outcome.kind }, 'email acknowledged')
            }
            callback(null, 'OK: message stored')
          },
          (error: Error) => callback(error),
        )
        storing.add(work)
        void work.finally(() => storing.delete(work))
      })
    },
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  // After start, a failing connection is that connection's problem, not the server's.
  server.on('error', (error) =>
    log.warn({ channel: 'email', code: (error as { code?: string }).code }, 'smtp error'),
  )
  const address = server.server.address() as AddressInfo
  log.info({ channel: 'email', host: address.address, port: address.port }, 'email intake listening')

  return {
    address,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      await Promise.allSettled([...storing])
      await closed
    },
  }
}
