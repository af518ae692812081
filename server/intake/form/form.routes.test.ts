import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebFormRequest } from '../../../common/contracts/web-form.ts'
import { engines } from '../../../test/support/database.ts'
import { solveChallenge } from '../../../web/portal/proof-of-work.ts'
import { loadEnv } from '../../config/env.ts'
import { createSecrets, type Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { type App, buildApp } from '../../http/app.ts'
import { createTranslator } from '../../http/i18n.ts'
import { contactIndex } from '../intake.service.ts'
import type { WebFormBody } from './form.service.ts'
import { challengeKey, issueChallenge } from './proof-of-work.ts'

const BITS = 8
const PER_ADDRESS = 3
const REFERENCE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/

describe.each(engines)('web form API on $engine', ({ open }) => {
  let database: Database
  let secrets: Secrets
  let app: App
  let dataDir: string
  const logs: string[] = []
  let addressCounter = 0
  /** A client address no other test uses, so each test has its own allowance. */
  const nextAddress = () => `198.51.100.${++addressCounter}`

  beforeAll(async () => {
    database = await open()
    dataDir = mkdtempSync(path.join(tmpdir(), 'relais-form-'))
    secrets = createSecrets([randomBytes(32)])
    const env = loadEnv({
      NODE_ENV: 'test',
      RELAIS_LOG_LEVEL: 'info',
      RELAIS_DATA_DIR: dataDir,
      RELAIS_FORM_POW_BITS: String(BITS),
      RELAIS_FORM_PER_ADDRESS: String(PER_ADDRESS),
    })
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk))
        done()
      },
    })
    app = await buildApp({ env, database, secrets, translator: await createTranslator(), logStream })
    await app.ready()
  })
  afterAll(async () => {
    await app?.close()
    await database?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function solvedProof() {
    const response = await app.inject({ method: 'GET', url: '/api/intake/form/challenge' })
    expect(response.statusCode).toBe(200)
    const { challenge, bits } = response.json() as { challenge: string; bits: number }
    return { challenge, counter: await solveChallenge(challenge, bits) }
  }

  async function submit(
    body: Partial<WebFormRequest> & Record<string, unknown>,
    options: { address?: string; query?: string; headers?: Record<string, string> } = {},
  ) {
    return app.inject({
      method: 'POST',
      url: `/api/intake/form${options.query ?? ''}`,
      remoteAddress: options.address ?? nextAddress(),
      headers: { 'content-type': 'application/json', ...options.headers },
      payload: body,
    })
  }

  const countRows = async () => {
    const count = async (table: string) =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(database.db))
          .rows[0]!.n,
      )
    return {
      signals: await count('intake_signal'),
      messages: await count('intake_message'),
      contacts: await count('intake_contact'),
      submissions: await count('intake_form_submission'),
      spent: await count('intake_form_spent_challenge'),
      throttles: await count('intake_form_throttle'),
      audit: await count('audit_event'),
    }
  }

  it('issues a signed challenge, with no cookie', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/intake/form/challenge' })
    expect(response.statusCode).toBe(200)
    expect(response.cookies).toEqual([])
    const body = response.json()
    expect(body.bits).toBe(BITS)
    expect(body.challenge).toMatch(/^p1\.[A-Za-z0-9_-]{22}\.8\.\d+\.[A-Za-z0-9_-]{43}$/)
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now())
  })

  it('stores a submission with contact details sealed, in the queue of its language', async () => {
    const address = nextAddress()
    const text = `Someone at the farm keeps our passports ${randomBytes(4).toString('hex')}`
    const response = await submit(
      {
        kind: 'concern',
        message: `  ${text}  `,
        inDanger: true,
        anonymous: false,
        contact: { name: 'Ana Popescu', phone: '(514) 555-0142', email: '' },
        safeContact: {
          method: 'sms',
          safeTimes: 'Weekdays 9 to 11',
          leaveMessage: false,
          safeWord: 'blue kite',
        },
        proof: await solvedProof(),
      },
      { address, query: '?lang=fr' },
    )
    expect(response.statusCode).toBe(202)
    const { reference } = response.json() as { reference: string }
    expect(reference).toMatch(REFERENCE)

    const submission = await database.db
      .selectFrom('intake_form_submission')
      .selectAll()
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow()
    const signal = await database.db
      .selectFrom('intake_signal')
      .selectAll()
      .where('id', '=', submission.signal_id)
      .executeTakeFirstOrThrow()
    expect(signal).toMatchObject({
      channel: 'web_form',
      queue: 'form.fr',
      language: 'fr',
      preferred_language: null,
      in_danger: true,
      status: 'queued',
    })
    expect(reference).not.toContain(signal.id)

    const contact = await database.db
      .selectFrom('intake_contact')
      .selectAll()
      .where('id', '=', signal.contact_id!)
      .executeTakeFirstOrThrow()
    expect(contact.kind).toBe('phone')
    expect(contact.blind_index).toBe(contactIndex(secrets, 'phone', '+15145550142'))
    expect(contact.address_sealed).not.toContain('5550142')
    expect(secrets.open(contact.address_sealed)).toBe('+15145550142')
    expect(secrets.open(contact.display_name_sealed!)).toBe('Ana Popescu')

    const message = await database.db
      .selectFrom('intake_message')
      .selectAll()
      .where('id', '=', submission.message_id)
      .executeTakeFirstOrThrow()
    expect(message).toMatchObject({ signal_id: signal.id, seq: 1, direction: 'in', kind: 'web_form' })
    expect(message.provider).toBe('relais')
    expect(message.external_id).toMatch(/^web-form:[0-9a-f-]{36}$/)
    expect(message.body_sealed).not.toContain('passports')
    const body = JSON.parse(secrets.open(message.body_sealed!)) as WebFormBody
    expect(body).toEqual({
      text,
      kind: 'concern',
      inDanger: true,
      anonymous: false,
      language: 'fr',
      preferredLanguage: null,
      reference,
    })

    expect(submission.anonymous).toBe(false)
    expect(submission.safe_contact_sealed).not.toContain('kite')
    expect(JSON.parse(secrets.open(submission.safe_contact_sealed!))).toEqual({
      method: 'sms',
      safeTimes: 'Weekdays 9 to 11',
      leaveMessage: false,
      safeWord: 'blue kite',
    })
    expect(JSON.parse(secrets.open(submission.contact_sealed!))).toEqual({
      name: 'Ana Popescu',
      phone: '+15145550142',
      email: null,
    })

    // The audit trail records the submission, but not where it came from.
    const events = await database.db
      .selectFrom('audit_event')
      .select(['action', 'address', 'actor_label', 'details'])
      .where('entity_id', '=', signal.id)
      .orderBy('id')
      .execute()
    expect(events.map((event) => event.action)).toEqual(['intake.signal.opened', 'intake.form.submitted'])
    expect(events.every((event) => event.address === null && event.actor_label === 'web form')).toBe(true)
    expect(JSON.stringify(events)).not.toContain('Ana')

    // Neither the request logs nor the throttle keep the address.
    expect(logs.join('')).not.toContain(address)
    const throttles = await database.db.selectFrom('intake_form_throttle').select('key').execute()
    expect(throttles.length).toBeGreaterThan(0)
    expect(JSON.stringify(throttles)).not.toContain(address)
  })

  it('keeps no contact details when the person stays anonymous, and routes by preferred language', async () => {
    const before = await countRows()
    const response = await submit({
      kind: 'help',
      message: 'I cannot leave the house where I work.',
      preferredLanguage: 'es',
      contact: { phone: '514 555 0199' },
      safeContact: { method: 'phone', safeWord: 'sunflower' },
      proof: await solvedProof(),
    })
    expect(response.statusCode).toBe(202)
    const submission = await database.db
      .selectFrom('intake_form_submission')
      .innerJoin('intake_signal', 'intake_signal.id', 'intake_form_submission.signal_id')
      .select(['anonymous', 'contact_sealed', 'safe_contact_sealed', 'contact_id', 'queue', 'language'])
      .where('reference', '=', response.json().reference)
      .executeTakeFirstOrThrow()
    expect(submission).toEqual({
      anonymous: true,
      contact_sealed: null,
      safe_contact_sealed: null,
      contact_id: null,
      queue: 'form.es',
      language: 'en',
    })
    expect((await countRows()).contacts).toBe(before.contacts)
  })

  it('joins the open conversation of a person it recognises', async () => {
    const contact = { email: `Someone.${randomBytes(3).toString('hex')}@Example.org` }
    const first = await submit({
      kind: 'information',
      message: 'How do I get a work permit back?',
      anonymous: false,
      contact,
      safeContact: { method: 'email' },
      proof: await solvedProof(),
    })
    const second = await submit({
      kind: 'help',
      message: 'He found out. I am scared.',
      inDanger: true,
      anonymous: false,
      contact,
      safeContact: { method: 'email' },
      proof: await solvedProof(),
    })
    expect([first.statusCode, second.statusCode]).toEqual([202, 202])
    const rows = await database.db
      .selectFrom('intake_form_submission')
      .innerJoin('intake_signal', 'intake_signal.id', 'intake_form_submission.signal_id')
      .innerJoin('intake_message', 'intake_message.id', 'intake_form_submission.message_id')
      .select(['intake_signal.id', 'in_danger', 'seq', 'reference'])
      .where('reference', 'in', [first.json().reference, second.json().reference])
      .orderBy('seq')
      .execute()
    expect(rows).toHaveLength(2)
    expect(rows[0]!.id).toBe(rows[1]!.id)
    expect(rows.map((row) => row.seq)).toEqual([1, 2])
    expect(rows[1]!.in_danger).toBe(true)
    expect(rows[0]!.reference).not.toBe(rows[1]!.reference)
  })

  it('answers a filled honeypot like a success and stores nothing', async () => {
    const proof = await solvedProof()
    const before = await countRows()
    const response = await submit({
      kind: 'concern',
      message: 'Cheap watches here',
      website: 'https://spam.example',
      proof,
    })
    expect(response.statusCode).toBe(202)
    expect(response.json().reference).toMatch(REFERENCE)
    expect(await countRows()).toEqual(before)
    // Even without any proof of work, the robot is told the same.
    const unproven = await submit({ kind: 'concern', message: 'x', website: 'y', proof: undefined })
    expect(unproven.statusCode).toBe(202)
    expect(await countRows()).toEqual(before)
    // The challenge was not spent either: a person could still use it.
    const real = await submit({ kind: 'concern', message: 'A real message', proof })
    expect(real.statusCode).toBe(202)
  })

  it('refuses a wrong, forged, expired or reused proof of work as the field proof, storing nothing', async () => {
    const before = await countRows()
    const fieldOf = (response: Awaited<ReturnType<typeof submit>>) => {
      expect(response.statusCode).toBe(400)
      return (response.json().fields as { path: string; code: string }[]).map((f) => `${f.path}:${f.code}`)
    }
    const proof = await solvedProof()
    const message = { kind: 'concern' as const, message: 'Proof test' }

    // A counter that does not meet the difficulty (counters are tried in order from 0, so the one
    // found is the first that works and every smaller one fails).
    expect(Number(proof.counter)).toBeGreaterThan(0)
    const wrong = { challenge: proof.challenge, counter: String(Number(proof.counter) - 1) }
    expect(fieldOf(await submit({ ...message, proof: wrong }))).toEqual(['proof:invalid'])

    // Asking for less work than required, or signed by another key.
    const [version, nonce, , expires, mac] = proof.challenge.split('.')
    const easier = `${version}.${nonce}.1.${expires}.${mac}`
    const easy = { challenge: easier, counter: await solveChallenge(easier, 1) }
    expect(fieldOf(await submit({ ...message, proof: easy }))).toEqual(['proof:invalid'])
    const otherKey = challengeKey(createSecrets([randomBytes(32)]))
    const foreign = issueChallenge(otherKey, BITS, new Date()).challenge
    const forged = { challenge: foreign, counter: await solveChallenge(foreign, BITS) }
    expect(fieldOf(await submit({ ...message, proof: forged }))).toEqual(['proof:invalid'])

    // Issued by this server, but too long ago.
    const old = issueChallenge(challengeKey(secrets), BITS, new Date(Date.now() - 24 * 3600_000)).challenge
    const expired = { challenge: old, counter: await solveChallenge(old, BITS) }
    expect(fieldOf(await submit({ ...message, proof: expired }))).toEqual(['proof:expired'])

    expect(await countRows()).toEqual(before)

    // Accepted once, then refused.
    expect((await submit({ ...message, proof })).statusCode).toBe(202)
    const afterFirst = await countRows()
    const reused = await submit({ ...message, proof }, { query: '?lang=fr' })
    expect(fieldOf(reused)).toEqual(['proof:already_used'])
    expect(reused.json().fields[0].message).toBe('Le champ proof a déjà servi. Réessayez.')
    expect(await countRows()).toEqual(afterFirst)
  })

  it('names each invalid field, in French when asked', async () => {
    const proof = await solvedProof()
    const missing = await submit(
      { kind: 'concern', proof },
      { headers: { 'accept-language': 'fr-CA,fr;q=0.9' } },
    )
    expect(missing.statusCode).toBe(400)
    expect(missing.json()).toMatchObject({
      code: 'validation_failed',
      message: 'Certains champs ne sont pas valides.',
      fields: [{ path: 'message', code: 'required', message: 'Le champ message est obligatoire.' }],
    })

    const several = await submit(
      {
        kind: 'gossip' as 'concern',
        message: 'x'.repeat(5001),
        contact: { email: 'not an address' },
        surprise: true,
        proof,
      },
      { query: '?lang=fr' },
    )
    expect(several.statusCode).toBe(400)
    const paths = (several.json().fields as { path: string; code: string }[]).map(
      (f) => `${f.path}:${f.code}`,
    )
    expect(paths).toEqual(
      expect.arrayContaining([
        'kind:invalid_value',
        'message:too_big',
        'contact.email:invalid',
        'surprise:unknown_field',
      ]),
    )

    const blank = await submit({ kind: 'concern', message: '   ', proof }, { query: '?lang=en' })
    expect(blank.json().fields).toEqual([
      expect.objectContaining({
        path: 'message',
        code: 'too_small',
        message: 'message must have at least 1 characters.',
      }),
    ])

    // A way to be reached that the person did not give.
    const unreachable = await submit(
      { kind: 'help', message: 'Text me', anonymous: false, safeContact: { method: 'sms' }, proof },
      { query: '?lang=fr' },
    )
    expect(unreachable.statusCode).toBe(400)
    expect(unreachable.json().fields).toEqual([
      expect.objectContaining({ path: 'contact.phone', code: 'required' }),
    ])
    const badPhone = await submit({
      kind: 'help',
      message: 'Call me',
      anonymous: false,
      contact: { phone: '12345' },
      proof,
    })
    expect(badPhone.json().fields).toEqual([
      expect.objectContaining({ path: 'contact.phone', code: 'invalid' }),
    ])

    // None of these spent the challenge.
    expect((await submit({ kind: 'concern', message: 'Now complete', proof })).statusCode).toBe(202)
  })

  it('holds back an address that sends too many, with Retry-After, and no other', async () => {
    const address = nextAddress()
    for (let index = 0; index < PER_ADDRESS; index += 1) {
      const response = await submit(
        { kind: 'information', message: `Question ${index}`, proof: await solvedProof() },
        { address },
      )
      expect(response.statusCode).toBe(202)
    }
    const before = await countRows()
    const limited = await submit(
      { kind: 'information', message: 'One more', proof: await solvedProof() },
      { address, query: '?lang=fr' },
    )
    expect(limited.statusCode).toBe(429)
    const retryAfter = Number(limited.headers['retry-after'])
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(limited.json()).toMatchObject({ code: 'rate_limited' })
    expect(limited.json().message).toMatch(/^Trop de tentatives/)
    expect(await countRows()).toEqual(before)

    const other = await submit({ kind: 'information', message: 'Someone else', proof: await solvedProof() })
    expect(other.statusCode).toBe(202)
  })
})
