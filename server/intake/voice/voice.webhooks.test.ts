import { randomInt } from 'node:crypto'
import { Writable } from 'node:stream'
import twilio from 'twilio'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../../test/support/factories.ts'
import {
  acceptOffer,
  endConversation,
  personLeft,
  setPresence,
  transferConversation,
} from '../conversation.service.ts'
import { FakeTwilio } from './fake-twilio.ts'
import { setVoiceNumber } from './voice.service.ts'
import { elements, readXml, textOf, type XmlElement } from './xml-reader.ts'

const TOKEN = 'twilio_test_token_0123456789abcdef'
const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`
const PUBLIC = 'https://hotline.example.org'
const LINE = '+18005550199'
const INTERPRETER = '+18005550142'
const system = { actorId: null, actorLabel: 'test', address: null, requestId: null }

const fake = new FakeTwilio()
let t: TestApp
const logLines: string[] = []

const channels = () => ({
  TWILIO_AUTH_TOKEN: TOKEN,
  TWILIO_ACCOUNT_SID: ACCOUNT,
  TWILIO_API_BASE: fake.base,
  TWILIO_VOICE_FROM: LINE,
  RELAIS_PUBLIC_URL: PUBLIC,
  RELAIS_INTERPRETER_NUMBER: INTERPRETER,
  // Distinct from the menu's first choice, so a default is told apart from a caller pressing 1.
  RELAIS_INTAKE_LANGUAGE: 'fr',
})

beforeAll(async () => {
  await fake.start()
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk))
      done()
    },
  })
  t = await buildTestApp({ ...channels(), RELAIS_LOG_LEVEL: 'info' }, { logStream })
})
afterAll(async () => {
  await t.close()
  await fake.stop()
})

let advocates: string[] = []
afterEach(async () => {
  // Every call of a test hangs up, and its advocates leave: the next test starts on an empty floor.
  for (const staffId of advocates) {
    await setPresence(t, staffId, { state: 'away', languages: ['en', 'fr'], skills: [] })
  }
  advocates = []
  const open = await t.database.db
    .selectFrom('intake_signal')
    .select('id')
    .where('channel', '=', 'voice')
    .where('status', 'in', ['queued', 'offered', 'active'])
    .execute()
  for (const signal of open) await personLeft(t.database, signal.id)
  // Wrapped up, so their advocates' one voice place is free again.
  await t.database.db
    .updateTable('intake_signal')
    .set({ status: 'ended', wrap_up_ended_at: new Date() })
    .where('channel', '=', 'voice')
    .where('status', '=', 'wrap_up')
    .execute()
  fake.requests.length = 0
})

let sidCounter = 0
const callSid = () => `CA${(Date.now() * 1000 + ++sidCounter).toString(16).padStart(32, '0')}`
const phone = () => `+1514${String(randomInt(1_000_000, 9_999_999))}`

function post(
  path: string,
  params: Record<string, string>,
  options: { signature?: string | null; app?: TestApp } = {},
) {
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${path}`, params)
      : options.signature
  return (options.app ?? t).app.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === null ? {} : { 'x-twilio-signature': signature }),
    },
    payload: new URLSearchParams(params).toString(),
  })
}

/** Twilio's standard voice request parameters for a call to the line. */
const callParams = (sid: string, from: string, extra: Record<string, string> = {}) => ({
  AccountSid: ACCOUNT,
  CallSid: sid,
  From: from,
  To: LINE,
  CallStatus: 'ringing',
  Direction: 'inbound',
  ApiVersion: '2010-04-01',
  ...extra,
})

/** The TwiML of a response, read strictly as XML. */
function twimlOf(response: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  expect(response.statusCode, response.body).toBe(200)
  expect(response.headers['content-type']).toMatch(/^text\/xml/)
  const root = readXml(response.body)
  expect(root.name).toBe('Response')
  return root
}

const verbs = (root: XmlElement) => elements(root).map((verb) => verb.name)

async function callRow(sid: string) {
  return t.database.db
    .selectFrom('intake_voice_call')
    .selectAll()
    .where('call_sid', '=', sid)
    .executeTakeFirst()
}

async function signalRow(id: string) {
  return t.database.db.selectFrom('intake_signal').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

async function count(table: 'intake_signal' | 'intake_voice_call' | 'intake_contact') {
  const row = await t.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A call that rang and chose a language: its CallSid and signal. */
async function queuedCall(digits = '2', from = phone()) {
  const sid = callSid()
  expect((await post('/webhooks/twilio/voice/incoming', callParams(sid, from))).statusCode).toBe(200)
  const answer = await post('/webhooks/twilio/voice/language', callParams(sid, from, { Digits: digits }))
  expect(answer.statusCode, answer.body).toBe(200)
  const call = await callRow(sid)
  return { sid, from, signalId: call?.signal_id as string }
}

describe('POST /webhooks/twilio/voice/incoming', () => {
  it('403 with a missing or wrong signature: nothing stored, the caller’s number not logged', async () => {
    const from = phone()
    const before = await count('intake_voice_call')
    expect(
      (await post('/webhooks/twilio/voice/incoming', callParams(callSid(), from), { signature: null }))
        .statusCode,
    ).toBe(403)
    const params = callParams(callSid(), from)
    const forged = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/voice/incoming`, {
      ...params,
      From: '+15145550000',
    })
    expect((await post('/webhooks/twilio/voice/incoming', params, { signature: forged })).statusCode).toBe(
      403,
    )
    expect(await count('intake_voice_call')).toBe(before)
    const logs = logLines.join('')
    expect(logs).toContain('webhook signature rejected')
    expect(logs).not.toContain(from.slice(2))
  })

  it('400 naming CallSid or From when missing', async () => {
    const { CallSid: _sid, ...noSid } = callParams(callSid(), phone())
    const first = await post('/webhooks/twilio/voice/incoming', noSid)
    expect(first.statusCode).toBe(400)
    expect(first.json().fields).toEqual([expect.objectContaining({ path: 'CallSid', code: 'required' })])
    const { From: _from, ...noFrom } = callParams(callSid(), phone())
    const second = await post('/webhooks/twilio/voice/incoming', noFrom)
    expect(second.statusCode).toBe(400)
    expect(second.json().fields[0]).toMatchObject({ path: 'From', code: 'required' })
  })

  it('answers the bilingual menu, as Twilio’s own library writes it, with a fallback when nothing is pressed', async () => {
    const response = await post('/webhooks/twilio/voice/incoming', callParams(callSid(), phone()))
    const root = twimlOf(response)
    const expected = new twilio.twiml.VoiceResponse()
    const gather = expected.gather({
      numDigits: 1,
      action: '/webhooks/twilio/voice/language',
      method: 'POST',
      timeout: 6,
    })
    gather.say({ language: 'en-CA' }, 'For English, press 1.')
    gather.say({ language: 'fr-CA' }, 'Pour le français, faites le 2.')
    expected.redirect({ method: 'POST' }, '/webhooks/twilio/voice/language')
    expect(root).toEqual(readXml(expected.toString()))
  })

  it('stores the call by CallSid with its caller as a phone contact, sealed; a redelivery changes nothing', async () => {
    const sid = callSid()
    const from = phone()
    expect((await post('/webhooks/twilio/voice/incoming', callParams(sid, from))).statusCode).toBe(200)
    const call = await callRow(sid)
    expect(call).toMatchObject({ signal_id: null, language: null })
    const contact = await t.database.db
      .selectFrom('intake_contact')
      .selectAll()
      .where('id', '=', call!.contact_id!)
      .executeTakeFirstOrThrow()
    expect(contact.kind).toBe('phone')
    expect(t.secrets.open(contact.address_sealed)).toBe(from)
    expect(
      JSON.stringify(await t.database.db.selectFrom('intake_voice_call').selectAll().execute()),
    ).not.toContain(from.slice(1))
    const before = { calls: await count('intake_voice_call'), contacts: await count('intake_contact') }
    expect((await post('/webhooks/twilio/voice/incoming', callParams(sid, from))).statusCode).toBe(200)
    expect({ calls: await count('intake_voice_call'), contacts: await count('intake_contact') }).toEqual(
      before,
    )
  })

  it('a withheld number is still answered, without a contact', async () => {
    const sid = callSid()
    expect((await post('/webhooks/twilio/voice/incoming', callParams(sid, 'Anonymous'))).statusCode).toBe(200)
    expect((await callRow(sid))?.contact_id).toBeNull()
  })
})

describe('POST /webhooks/twilio/voice/language', () => {
  it('2 opens the signal in voice.fr and enqueues the caller in the signal’s own queue', async () => {
    const sid = callSid()
    const from = phone()
    await post('/webhooks/twilio/voice/incoming', callParams(sid, from))
    const response = await post('/webhooks/twilio/voice/language', callParams(sid, from, { Digits: '2' }))
    const root = twimlOf(response)
    const call = await callRow(sid)
    const signal = await signalRow(call!.signal_id!)
    expect(signal).toMatchObject({ channel: 'voice', queue: 'voice.fr', language: 'fr', status: 'queued' })
    expect(signal.contact_id).toBe(call?.contact_id)
    expect(signal.received_at).toEqual(call?.received_at)
    expect(call).toMatchObject({ language: 'fr' })
    const expected = new twilio.twiml.VoiceResponse()
    expected.enqueue(
      {
        waitUrl: '/webhooks/twilio/voice/wait?lang=fr',
        waitUrlMethod: 'POST',
        action: '/webhooks/twilio/voice/queue-result',
        method: 'POST',
      },
      `signal-${signal.id}`,
    )
    expect(root).toEqual(readXml(expected.toString()))
    const audit = await t.database.db
      .selectFrom('audit_event')
      .select('action')
      .where('entity_id', '=', signal.id)
      .execute()
    expect(audit.map((row) => row.action)).toEqual(['intake.signal.opened'])
  })

  it('1 opens it in voice.en', async () => {
    const { signalId } = await queuedCall('1')
    expect(await signalRow(signalId)).toMatchObject({ queue: 'voice.en', language: 'en' })
  })

  it('redelivered, the language step and the incoming call open no second signal', async () => {
    const { sid, from, signalId } = await queuedCall('2')
    const before = await count('intake_signal')
    const again = twimlOf(
      await post('/webhooks/twilio/voice/language', callParams(sid, from, { Digits: '2' })),
    )
    expect(textOf(elements(again, 'Enqueue')[0]!)).toBe(`signal-${signalId}`)
    expect((await post('/webhooks/twilio/voice/incoming', callParams(sid, from))).statusCode).toBe(200)
    expect(await count('intake_signal')).toBe(before)
  })

  it('a key not on the menu plays it once more, then the line’s default language is chosen', async () => {
    const sid = callSid()
    const from = phone()
    await post('/webhooks/twilio/voice/incoming', callParams(sid, from))
    const again = twimlOf(
      await post('/webhooks/twilio/voice/language', callParams(sid, from, { Digits: '7' })),
    )
    expect(verbs(again)).toEqual(['Say', 'Say', 'Gather', 'Redirect'])
    expect(textOf(elements(again, 'Say')[0]!)).toBe('Sorry, that is not one of the choices.')
    expect((await callRow(sid))?.signal_id).toBeNull()
    // Nothing pressed the second time: the Gather falls through to the Redirect, without Digits.
    const chosen = twimlOf(await post('/webhooks/twilio/voice/language', callParams(sid, from)))
    expect(verbs(chosen)).toEqual(['Enqueue'])
    const signal = await signalRow((await callRow(sid))!.signal_id!)
    expect(signal).toMatchObject({ queue: 'voice.fr', language: 'fr' })
  })

  it('an unknown CallSid hears a polite goodbye, never an error', async () => {
    for (const path of ['language', 'wait?lang=en', 'queue-result']) {
      const root = twimlOf(
        await post(
          `/webhooks/twilio/voice/${path}`,
          callParams(callSid(), phone(), { QueueResult: 'hangup' }),
        ),
      )
      expect(verbs(root)).toEqual(['Say', 'Say', 'Hangup'])
      expect(elements(root, 'Say').map((say) => say.attributes.language)).toEqual(['en-CA', 'fr-CA'])
    }
  })

  it('two calls from one number are two signals', async () => {
    const from = phone()
    const first = await queuedCall('1', from)
    const second = await queuedCall('1', from)
    expect(second.signalId).not.toBe(first.signalId)
    expect((await signalRow(second.signalId)).contact_id).toBe((await signalRow(first.signalId)).contact_id)
  })
})

describe('POST /webhooks/twilio/voice/wait', () => {
  it('says the wait message and the place in line in the caller’s language, pauses, and loops', async () => {
    const first = await queuedCall('2')
    const second = await queuedCall('2')
    const root = twimlOf(
      await post(
        '/webhooks/twilio/voice/wait?lang=fr',
        callParams(second.sid, second.from, { QueuePosition: '1' }),
      ),
    )
    expect(verbs(root)).toEqual(['Say', 'Say', 'Say', 'Pause', 'Redirect'])
    const says = elements(root, 'Say')
    expect(says.every((say) => say.attributes.language === 'fr-CA')).toBe(true)
    expect(textOf(says[1]!)).toBe('Vous êtes la personne numéro 2 en ligne.')
    expect(textOf(says[2]!)).toContain('911')
    expect(elements(root, 'Pause')[0]?.attributes.length).toBe('20')
    expect(textOf(elements(root, 'Redirect')[0]!)).toBe('/webhooks/twilio/voice/wait?lang=fr')
    const head = twimlOf(await post('/webhooks/twilio/voice/wait?lang=fr', callParams(first.sid, first.from)))
    expect(textOf(elements(head, 'Say')[1]!)).toBe('Vous êtes la prochaine personne en ligne.')
  })

  it('400 naming query.lang when it is not a line language', async () => {
    const { sid, from } = await queuedCall('2')
    const response = await post('/webhooks/twilio/voice/wait?lang=de', callParams(sid, from))
    expect(response.statusCode).toBe(400)
    expect(response.json().fields[0].path).toBe('query.lang')
  })
})

describe('leaving the queue', () => {
  it('hanging up in the queue abandons the signal and keeps the seconds waited', async () => {
    const { sid, from, signalId } = await queuedCall('2')
    const response = await post(
      '/webhooks/twilio/voice/queue-result',
      callParams(sid, from, { QueueResult: 'hangup', QueueTime: '42', QueueSid: `QU${'0'.repeat(32)}` }),
    )
    expect(response.statusCode).toBe(200)
    const signal = await signalRow(signalId)
    expect(signal.status).toBe('abandoned')
    expect(signal.abandoned_at).toBeInstanceOf(Date)
    expect(await callRow(sid)).toMatchObject({ queue_result: 'hangup', queue_time_seconds: 42 })
  })

  it('a call ending while its signal waits abandons it too', async () => {
    const { sid, from, signalId } = await queuedCall('1')
    const response = await post(
      '/webhooks/twilio/voice/status',
      callParams(sid, from, { CallStatus: 'completed' }),
    )
    expect(response.statusCode).toBe(200)
    expect((await signalRow(signalId)).status).toBe('abandoned')
    expect(await callRow(sid)).toMatchObject({ call_status: 'completed' })
  })

  it('a queue failure is recorded and the caller hears why, in their language', async () => {
    const { sid, from, signalId } = await queuedCall('1')
    const root = twimlOf(
      await post('/webhooks/twilio/voice/queue-result', callParams(sid, from, { QueueResult: 'queue-full' })),
    )
    expect(verbs(root)).toEqual(['Say', 'Hangup'])
    expect(elements(root, 'Say')[0]?.attributes.language).toBe('en-CA')
    expect(await callRow(sid)).toMatchObject({ queue_result: 'queue-full' })
    expect((await signalRow(signalId)).status).toBe('abandoned')
  })
})

describe('an advocate answers a call', () => {
  let advocate: { id: string }
  let session: SessionFixture
  let advocateNumber: string

  let colleague: { id: string }
  const colleagueNumber = phone()

  beforeAll(async () => {
    advocate = await buildStaff(t, { role: 'advocate' })
    session = await sessionFor(t, advocate)
    advocateNumber = phone()
    colleague = await buildStaff(t, { role: 'advocate' })
    await setVoiceNumber(t, { ...system, actorId: colleague.id }, colleagueNumber)
  })

  async function available(staffId: string) {
    advocates.push(staffId)
    await setPresence(t, staffId, { state: 'available', languages: ['fr', 'en'], skills: [] })
  }

  /** Waits for the signal's offer to this advocate, and accepts it. */
  async function accept(staffId: string, signalId: string) {
    let offerId: string | undefined
    await expect
      .poll(async () => {
        const offer = await t.database.db
          .selectFrom('intake_offer')
          .select('id')
          .where('signal_id', '=', signalId)
          .where('advocate_id', '=', staffId)
          .where('outcome', 'is', null)
          .executeTakeFirst()
        offerId = offer?.id
        return offerId
      })
      .toBeDefined()
    await acceptOffer(t, { ...system, actorId: staffId }, offerId as string)
  }

  async function answered(digits = '2') {
    await available(advocate.id)
    const call = await queuedCall(digits)
    await accept(advocate.id, call.signalId)
    return call
  }

  const ringsTo = (number: string) => fake.to('Calls.json').filter((request) => request.form.To === number)

  it('PUT /api/intake/voice/number: 401 without a session, 400 naming number, stored sealed', async () => {
    const anonymous = await t.app.inject({
      method: 'PUT',
      url: '/api/intake/voice/number',
      payload: { number: '+15145550100' },
    })
    expect(anonymous.statusCode).toBe(401)
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/intake/voice/number',
      headers: session.headers,
      payload: { number: 'call me maybe' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().fields[0]).toMatchObject({ path: 'number', code: 'invalid' })
    const spaced = `${advocateNumber.slice(0, 2)} ${advocateNumber.slice(2, 5)}-${advocateNumber.slice(5)}`
    const ok = await t.app.inject({
      method: 'PUT',
      url: '/api/intake/voice/number',
      headers: session.headers,
      payload: { number: spaced },
    })
    expect(ok.statusCode, ok.body).toBe(204)
    const row = await t.database.db
      .selectFrom('intake_voice_number')
      .selectAll()
      .where('staff_id', '=', advocate.id)
      .executeTakeFirstOrThrow()
    expect(row.number_sealed).not.toContain(advocateNumber.slice(2))
    expect(t.secrets.open(row.number_sealed)).toBe(advocateNumber)
  })

  it('rings the advocate once, through the REST API, with the bridge URL; the bridge dials the caller’s queue, unrecorded', async () => {
    const call = await answered('2')
    await expect.poll(() => fake.to('Calls.json').length).toBe(1)
    const [ring] = fake.to('Calls.json')
    expect(ring).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${ACCOUNT}/Calls.json`,
      auth: `${ACCOUNT}:${TOKEN}`,
    })
    expect(ring?.form).toEqual({
      To: advocateNumber,
      From: LINE,
      Url: `${PUBLIC}/webhooks/twilio/voice/bridge?signal=${call.signalId}`,
      StatusCallback: `${PUBLIC}/webhooks/twilio/voice/status`,
    })
    await expect.poll(async () => (await callRow(call.sid))?.advocate_call_sid).toMatch(/^CA/)

    const leg = (await callRow(call.sid))!.advocate_call_sid!
    const bridge = twimlOf(
      await post(
        `/webhooks/twilio/voice/bridge?signal=${call.signalId}`,
        callParams(leg, LINE, { To: advocateNumber }),
      ),
    )
    const dial = elements(bridge, 'Dial')[0]!
    expect(dial.attributes.record).toBeUndefined()
    expect(elements(dial, 'Queue').map(textOf)).toEqual([`signal-${call.signalId}`])
    // Another leg (a stale one, rung for an earlier acceptance) is not bridged to this caller.
    const stranger = twimlOf(
      await post(`/webhooks/twilio/voice/bridge?signal=${call.signalId}`, callParams(callSid(), LINE)),
    )
    expect(verbs(stranger)).toEqual(['Say', 'Hangup'])

    // Once the advocate's dial ends, their leg hangs up; the caller hears goodbye.
    const after = twimlOf(
      await post(
        `/webhooks/twilio/voice/bridge?signal=${call.signalId}`,
        callParams(leg, LINE, { DialCallStatus: 'completed' }),
      ),
    )
    expect(verbs(after)).toEqual(['Hangup'])
    const bye = twimlOf(
      await post(
        '/webhooks/twilio/voice/queue-result',
        callParams(call.sid, call.from, { QueueResult: 'bridged', QueueTime: '7' }),
      ),
    )
    expect(verbs(bye)).toEqual(['Say', 'Hangup'])
    expect((await signalRow(call.signalId)).status).toBe('active')
    expect(fake.to('Calls.json')).toHaveLength(1)
  })

  it('ending the conversation hangs up the caller once', async () => {
    const call = await answered('1')
    await expect.poll(async () => (await callRow(call.sid))?.advocate_call_sid).toMatch(/^CA/)
    await endConversation(t, { ...system, actorId: advocate.id }, call.signalId)
    await expect.poll(() => fake.to(`Calls/${call.sid}.json`).length).toBe(1)
    expect(fake.to(`Calls/${call.sid}.json`)[0]?.form).toEqual({ Status: 'completed' })
    expect((await callRow(call.sid))?.hangup_requested_at).toBeInstanceOf(Date)
    // Twilio then reports the call completed: the signal is already in wrap-up, and stays there.
    await post('/webhooks/twilio/voice/status', callParams(call.sid, call.from, { CallStatus: 'completed' }))
    expect((await signalRow(call.signalId)).status).toBe('wrap_up')
  })

  it('the caller hanging up during the conversation ends it; no hang-up is sent for them', async () => {
    const call = await answered('1')
    await post('/webhooks/twilio/voice/status', callParams(call.sid, call.from, { CallStatus: 'completed' }))
    expect((await signalRow(call.signalId)).status).toBe('wrap_up')
    expect(fake.to(`Calls/${call.sid}.json`)).toHaveLength(0)
  })

  it('an interpreter: both legs move into the conference and the service is dialled into it, audited', async () => {
    const call = await answered('2')
    await expect.poll(async () => (await callRow(call.sid))?.advocate_call_sid).toMatch(/^CA/)
    const leg = (await callRow(call.sid))!.advocate_call_sid!
    const url = `/api/intake/voice/${call.signalId}/interpreter`
    const response = await t.app.inject({ method: 'POST', url, headers: session.headers })
    expect(response.statusCode, response.body).toBe(204)

    const conference = (form: Record<string, string> | undefined) => {
      const root = readXml(form?.Twiml ?? '')
      const dial = elements(root, 'Dial')[0]!
      return elements(dial, 'Conference')[0]!
    }
    const callerMove = fake.to(`Calls/${call.sid}.json`)
    const advocateMove = fake.to(`Calls/${leg}.json`)
    expect(callerMove).toHaveLength(1)
    expect(advocateMove).toHaveLength(1)
    for (const move of [callerMove[0], advocateMove[0]]) {
      const room = conference(move?.form)
      expect(textOf(room)).toBe(`signal-${call.signalId}`)
      expect(room.attributes.endConferenceOnExit).toBe('true')
    }
    const dialled = fake.to('Calls.json').filter((request) => request.form.To === INTERPRETER)
    expect(dialled).toHaveLength(1)
    expect(dialled[0]?.form.From).toBe(LINE)
    const room = conference(dialled[0]?.form)
    expect(textOf(room)).toBe(`signal-${call.signalId}`)
    expect(room.attributes.endConferenceOnExit).toBe('false')

    expect((await signalRow(call.signalId)).interpreter_needed).toBe(true)
    expect((await callRow(call.sid))?.interpreter_call_sid).toMatch(/^CA/)
    const audit = await t.database.db
      .selectFrom('audit_event')
      .select(['action', 'actor_id'])
      .where('entity_id', '=', call.signalId)
      .execute()
    expect(audit).toContainEqual({ action: 'intake.voice.interpreter', actor_id: advocate.id })

    // A leg leaving the bridge on its own finds the conference too.
    const caller = twimlOf(
      await post(
        '/webhooks/twilio/voice/queue-result',
        callParams(call.sid, call.from, { QueueResult: 'bridged' }),
      ),
    )
    expect(elements(elements(caller, 'Dial')[0]!, 'Conference').map(textOf)).toEqual([
      `signal-${call.signalId}`,
    ])
    const advocateLeg = twimlOf(
      await post(
        `/webhooks/twilio/voice/bridge?signal=${call.signalId}`,
        callParams(leg, LINE, { DialCallStatus: 'completed' }),
      ),
    )
    expect(verbs(advocateLeg)).toEqual(['Dial'])

    // Asked twice, once only; by someone else, not at all.
    expect((await t.app.inject({ method: 'POST', url, headers: session.headers })).statusCode).toBe(409)
    const colleague = await sessionFor(t, await buildStaff(t, { role: 'advocate' }))
    expect((await t.app.inject({ method: 'POST', url, headers: colleague.headers })).statusCode).toBe(404)
    expect(fake.to('Calls.json').filter((request) => request.form.To === INTERPRETER)).toHaveLength(1)
  })

  it('no interpreter before the advocate’s phone has answered the bridge', async () => {
    const call = await answered('1')
    await expect.poll(async () => (await callRow(call.sid))?.advocate_call_sid).toMatch(/^CA/)
    // As if Twilio had not yet answered the request that rings the advocate.
    await t.database.db
      .updateTable('intake_voice_call')
      .set({ advocate_call_sid: null })
      .where('call_sid', '=', call.sid)
      .execute()
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/intake/voice/${call.signalId}/interpreter`,
      headers: session.headers,
    })
    expect(response.statusCode).toBe(409)
    expect(response.json().code).toBe('signal_state')
  })

  async function presenceOf(staffId: string) {
    const row = await t.database.db
      .selectFrom('intake_presence')
      .select('state')
      .where('staff_id', '=', staffId)
      .executeTakeFirstOrThrow()
    return row.state
  }

  it('an advocate whose phone does not answer is set away, and the call goes to a colleague', async () => {
    const call = await answered('2')
    await expect.poll(async () => (await callRow(call.sid))?.advocate_call_sid).toMatch(/^CA/)
    const leg = (await callRow(call.sid))!.advocate_call_sid!
    const status = await post(
      '/webhooks/twilio/voice/status',
      callParams(leg, LINE, { CallStatus: 'no-answer' }),
    )
    expect(status.statusCode).toBe(200)
    expect(await signalRow(call.signalId)).toMatchObject({ status: 'queued', advocate_id: null })
    expect(await callRow(call.sid)).toMatchObject({ bridge_requested_at: null, bridge_error: 'no-answer' })
    expect(await presenceOf(advocate.id)).toBe('away')
    const audit = await t.database.db
      .selectFrom('audit_event')
      .select('action')
      .where('entity_id', '=', call.signalId)
      .execute()
    expect(audit.map((row) => row.action)).toContain('intake.voice.unanswered')

    await available(colleague.id)
    await accept(colleague.id, call.signalId)
    await expect.poll(() => ringsTo(colleagueNumber).length).toBe(1)
    expect(ringsTo(advocateNumber)).toHaveLength(1)
    // The caller never left their queue: Relais did not touch their call.
    expect(fake.to(`Calls/${call.sid}.json`)).toHaveLength(0)
  })

  it('accepting without a voice number puts the call back in the queue and the advocate away', async () => {
    const nobody = await buildStaff(t, { role: 'advocate' })
    await available(nobody.id)
    const call = await queuedCall('1')
    await accept(nobody.id, call.signalId)
    await expect.poll(async () => (await callRow(call.sid))?.bridge_error).toBe('no_voice_number')
    expect((await signalRow(call.signalId)).status).toBe('queued')
    expect(await presenceOf(nobody.id)).toBe('away')
    expect(fake.to('Calls.json')).toHaveLength(0)
  })

  it('a transferred call goes back to its queue, and the next advocate to accept is rung', async () => {
    const call = await answered('2')
    await expect.poll(async () => (await callRow(call.sid))?.advocate_call_sid).toMatch(/^CA/)
    await transferConversation(t, { ...system, actorId: advocate.id }, call.signalId, {
      toAdvocateId: colleague.id,
      toLanguage: null,
      note: null,
    })
    await expect.poll(() => fake.to(`Calls/${call.sid}.json`).length).toBe(1)
    const enqueue = elements(readXml(fake.to(`Calls/${call.sid}.json`)[0]!.form.Twiml!), 'Enqueue')[0]!
    expect(textOf(enqueue)).toBe(`signal-${call.signalId}`)
    expect(enqueue.attributes).toMatchObject({
      waitUrl: `${PUBLIC}/webhooks/twilio/voice/wait?lang=fr`,
      action: `${PUBLIC}/webhooks/twilio/voice/queue-result`,
    })
    // Twilio tells the queue's action that the call was redirected: it goes on with the new TwiML.
    const redirected = twimlOf(
      await post(
        '/webhooks/twilio/voice/queue-result',
        callParams(call.sid, call.from, { QueueResult: 'redirected' }),
      ),
    )
    expect(verbs(redirected)).toEqual([])
    await available(colleague.id)
    await accept(colleague.id, call.signalId)
    await expect.poll(() => ringsTo(colleagueNumber).length).toBe(1)
    expect(ringsTo(advocateNumber)).toHaveLength(1)
    expect(fake.to(`Calls/${call.sid}.json`)).toHaveLength(1)
  })
})

describe('recording', () => {
  it('is on only when configured: the bridge records from answer and reports the recording by id and length', async () => {
    const recorded = await buildTestApp({ ...channels(), RELAIS_VOICE_RECORDING: 'true' })
    try {
      const sid = callSid()
      const from = phone()
      await post('/webhooks/twilio/voice/incoming', callParams(sid, from), { app: recorded })
      await post('/webhooks/twilio/voice/language', callParams(sid, from, { Digits: '1' }), { app: recorded })
      const call = await recorded.database.db
        .selectFrom('intake_voice_call')
        .selectAll()
        .where('call_sid', '=', sid)
        .executeTakeFirstOrThrow()
      const signalId = call.signal_id!
      // As if an advocate had accepted and been rung.
      await recorded.database.db
        .updateTable('intake_signal')
        .set({ status: 'active' })
        .where('id', '=', signalId)
        .execute()
      await recorded.database.db
        .updateTable('intake_voice_call')
        .set({ bridge_requested_at: new Date() })
        .where('call_sid', '=', sid)
        .execute()
      const bridge = twimlOf(
        await post(`/webhooks/twilio/voice/bridge?signal=${signalId}`, callParams(callSid(), LINE), {
          app: recorded,
        }),
      )
      const dial = elements(bridge, 'Dial')[0]!
      expect(dial.attributes).toMatchObject({
        record: 'record-from-answer',
        recordingStatusCallback: `/webhooks/twilio/voice/recording?signal=${signalId}`,
      })
      const recordingSid = `RE${'a1'.repeat(16)}`
      const report = {
        AccountSid: ACCOUNT,
        CallSid: sid,
        RecordingSid: recordingSid,
        RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/${recordingSid}`,
        RecordingStatus: 'completed',
        RecordingDuration: '63',
        RecordingChannels: '1',
        RecordingSource: 'DialVerb',
      }
      const path = `/webhooks/twilio/voice/recording?signal=${signalId}`
      expect((await post(path, report, { app: recorded })).statusCode).toBe(200)
      expect((await post(path, report, { app: recorded })).statusCode).toBe(200)
      const rows = await recorded.database.db.selectFrom('intake_voice_recording').selectAll().execute()
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({
        recording_sid: recordingSid,
        signal_id: signalId,
        duration_seconds: 63,
      })
      expect(JSON.stringify(rows)).not.toContain('api.twilio.com')
    } finally {
      await recorded.close()
    }
  })
})

describe('OpenAPI', () => {
  it('documents the advocates’ voice routes, not the webhooks', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })
    expect(response.statusCode).toBe(200)
    const paths = Object.keys(response.json().paths)
    expect(paths).toEqual(
      expect.arrayContaining(['/api/intake/voice/number', '/api/intake/voice/{signalId}/interpreter']),
    )
    expect(paths.filter((path) => path.startsWith('/webhooks/'))).toEqual([])
  })
})
