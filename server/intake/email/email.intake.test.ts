import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { EnvError, loadEnv } from '../../config/env.ts'
import { messageIdIndex } from './email.service.ts'

const MAILBOX = 'help@hotline.example'

/** Builds the app with the listener on an ephemeral port and finds that port in its start-up log. */
async function appWithListener(overrides: Record<string, string> = {}) {
  const lines: string[] = []
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  const t = await buildTestApp(
    { RELAIS_SMTP_LISTEN_PORT: '0', RELAIS_INTAKE_MAILBOX: MAILBOX, RELAIS_LOG_LEVEL: 'info', ...overrides },
    { logStream },
  )
  const started = lines
    .map((line) => JSON.parse(line) as { msg: string; port?: number })
    .find((line) => line.msg === 'email intake listening')
  if (!started?.port) throw new Error('the listener did not start')
  return { t, port: started.port, lines }
}

const refused = (port: number) =>
  new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.on('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
  })

describe('the email intake in the app', () => {
  let t: TestApp | undefined

  afterAll(async () => {
    await t?.close()
  })

  it('listens once the app is ready, stores mail without logging its content, and stops with the app', async () => {
    const started = await appWithListener()
    t = started.t
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: started.port, ignoreTLS: true })
    const id = `${Date.now()}@mail.example.org`
    await transport.sendMail({
      from: 'Rosa Diaz <rosa.diaz@example.org>',
      to: MAILBOX,
      subject: 'Trabajo sin pago',
      text: 'They keep us in the basement on Rue Ontario.',
      messageId: `<${id}>`,
    })
    const stored = await t.database.db
      .selectFrom('intake_message')
      .select('signal_id')
      .where('external_id', '=', messageIdIndex(t.secrets, id))
      .executeTakeFirst()
    expect(stored).toBeDefined()
    const logs = started.lines.join('')
    expect(logs).toContain('"msg":"email stored"')
    for (const secret of ['rosa', 'Rosa', 'Trabajo', 'basement', id]) expect(logs).not.toContain(secret)

    await t.close()
    t = undefined
    expect(await refused(started.port)).toBe('ECONNREFUSED')
  })
})

describe('STARTTLS', () => {
  let t: TestApp
  let port: number
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'relais-smtp-tls-'))
    const key = path.join(dir, 'key.pem')
    const cert = path.join(dir, 'cert.pem')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    )
    ;({ t, port } = await appWithListener({ RELAIS_SMTP_TLS_KEY: key, RELAIS_SMTP_TLS_CERT: cert }))
  })
  afterAll(async () => {
    await t?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('takes mail over TLS when a key and certificate are configured', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
    })
    const info = await transport.sendMail({
      from: 'a@example.org',
      to: MAILBOX,
      subject: 's',
      text: 'over TLS',
    })
    expect(info.response).toMatch(/^250 /)
  })
})

describe('email intake settings', () => {
  it('needs the mailbox with a listening port, and a TLS key with its certificate', () => {
    expect(() => loadEnv({ RELAIS_SMTP_LISTEN_PORT: '2525' })).toThrow(EnvError)
    expect(() =>
      loadEnv({
        RELAIS_SMTP_LISTEN_PORT: '2525',
        RELAIS_INTAKE_MAILBOX: MAILBOX,
        RELAIS_SMTP_TLS_KEY: 'k.pem',
      }),
    ).toThrow(/RELAIS_SMTP_TLS_CERT/)
    expect(() => loadEnv({ RELAIS_INTAKE_MAILBOX: '@hotline.example' })).toThrow(/RELAIS_INTAKE_MAILBOX/)
    const env = loadEnv({
      RELAIS_SMTP_LISTEN_PORT: '2525',
      RELAIS_INTAKE_MAILBOX: `${MAILBOX}, @aide.example`,
    })
    expect(env).toMatchObject({
      RELAIS_SMTP_LISTEN_HOST: '127.0.0.1',
      RELAIS_EMAIL_MAX_BYTES: 10 * 1024 * 1024,
    })
  })
})
