import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppDeps, ZodApp } from '../../http/app.ts'
import {
  keepRawBodies,
  parseOrThrow,
  providerId,
  sender,
  single,
  verifiedTwilioForm,
} from '../intake.webhooks.ts'
import type { FormParams } from '../twilio-signature.ts'
import type { VoiceLegs } from './voice.legs.ts'
import {
  chooseLanguage,
  recordCallStatus,
  recordIncomingCall,
  recordQueueResult,
  recordRecording,
  requeueUnbridged,
  UNANSWERED,
  type UnbridgedReason,
  type VoiceDeps,
} from './voice.service.ts'
import { callBySid, callOfSignal, queuePosition } from './voice.store.ts'
import type { VoiceLanguage } from './voice.tables.ts'
import {
  bridgeTwiml,
  conferenceTwiml,
  enqueueTwiml,
  hangUpTwiml,
  menuTwiml,
  sayAndHangUp,
  VOICE_PATH,
  waitTwiml,
} from './voice.twiml.ts'

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'

const word = z.string().regex(/^[A-Za-z-]{1,40}$/, 'invalid')
const seconds = z.string().regex(/^\d{1,9}$/, 'invalid')
const callSid = single(providerId)

const incomingForm = z.object({ CallSid: callSid, From: single(sender) })
const languageForm = z.object({ CallSid: callSid, Digits: single(z.string().max(64)).optional() })
const callForm = z.object({ CallSid: callSid })
const queueForm = z.object({
  CallSid: callSid,
  QueueResult: single(word),
  QueueTime: single(seconds).optional(),
})
const bridgeForm = z.object({ CallSid: callSid, DialCallStatus: single(word).optional() })
const statusForm = z.object({ CallSid: callSid, CallStatus: single(word) })
const recordingForm = z.object({
  RecordingSid: single(providerId),
  RecordingStatus: single(word),
  RecordingDuration: single(seconds).optional(),
})
const signalQuery = z.object({ signal: z.uuid() })
const languageQuery = z.object({ lang: z.enum(['en', 'fr']).optional() })

/** The query of a Twilio request, each field named as `query.<field>` when it is wrong. */
function queryOf<T>(schema: z.ZodType<T>, request: FastifyRequest): T {
  return parseOrThrow(z.object({ query: schema }), { query: request.query }).query
}

/**
 * The phone line's webhooks: Twilio asks each step's TwiML of Relais. Each request is verified
 * against its X-Twilio-Signature before its form is read; a call Relais does not know (a stale
 * retry, a CallSid from elsewhere) hears a polite goodbye, never an error.
 */
export function registerVoiceWebhooks(app: ZodApp, deps: AppDeps, voice: VoiceDeps, legs: VoiceLegs) {
  const { env, translator } = deps
  keepRawBodies(app)

  const twiml = (reply: FastifyReply, xml: string) =>
    reply.code(200).type('text/xml; charset=utf-8').send(xml)
  const unknownCall = (reply: FastifyReply) => twiml(reply, sayAndHangUp(translator, 'unknownCall', null))
  const form = <T>(request: FastifyRequest, schema: z.ZodType<T>): T =>
    parseOrThrow(schema, verifiedTwilioForm(request, env).params as FormParams)
  const route = (path: string, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    app.post(
      `${VOICE_PATH}/${path}`,
      { config: { access: { kind: 'public' } }, schema: { hide: true } },
      handler,
    )

  route('incoming', async (request, reply) => {
    const call = form(request, incomingForm)
    await recordIncomingCall(voice, { callSid: call.CallSid, from: call.From })
    return twiml(reply, menuTwiml(translator))
  })

  route('language', async (request, reply) => {
    const choice = form(request, languageForm)
    const outcome = await chooseLanguage(
      voice,
      { callSid: choice.CallSid, digits: choice.Digits ?? null },
      { ...request.auditContext, actorLabel: 'twilio' },
    )
    if (outcome.kind === 'unknown') return unknownCall(reply)
    if (outcome.kind === 'menu') return twiml(reply, menuTwiml(translator, true))
    return twiml(reply, enqueueTwiml(outcome.signalId, outcome.language))
  })

  route('wait', async (request, reply) => {
    const { CallSid } = form(request, callForm)
    const { lang } = queryOf(languageQuery, request)
    const call = await callBySid(deps.database.db, CallSid)
    if (!call?.signal_id) return unknownCall(reply)
    const language: VoiceLanguage = call.language ?? lang ?? voice.defaultLanguage
    const position = await queuePosition(deps.database.db, call.signal_id)
    return twiml(reply, waitTwiml(translator, language, position, env.RELAIS_EMERGENCY_NUMBER))
  })

  route('queue-result', async (request, reply) => {
    const report = form(request, queueForm)
    const outcome = await recordQueueResult(voice, {
      callSid: report.CallSid,
      result: report.QueueResult.toLowerCase(),
      queueTime: report.QueueTime === undefined ? null : Number(report.QueueTime),
    })
    switch (outcome.kind) {
      case 'unknown':
        return unknownCall(reply)
      case 'gone':
        return twiml(reply, EMPTY_TWIML)
      case 'conference':
        return twiml(reply, conferenceTwiml(outcome.signalId, 'caller', legs.recording))
      case 'failed':
        return twiml(reply, sayAndHangUp(translator, 'queueFailed', outcome.language))
      case 'goodbye':
        return twiml(reply, sayAndHangUp(translator, 'goodbye', outcome.language))
    }
  })

  // The advocate's leg: fetched when they answer, and again when its dial ends.
  route('bridge', async (request, reply) => {
    const leg = form(request, bridgeForm)
    const { signal } = queryOf(signalQuery, request)
    const call = await callOfSignal(deps.database.db, signal)
    // Only the leg rung for the advocate handling the call now (its CallSid may not be stored yet).
    const current = call?.advocate_call_sid === null || call?.advocate_call_sid === leg.CallSid
    if (!call?.bridge_requested_at || call.status !== 'active' || !current) {
      const language = call?.language ?? voice.defaultLanguage
      return twiml(
        reply,
        leg.DialCallStatus ? hangUpTwiml() : sayAndHangUp(translator, 'noLongerWaiting', language),
      )
    }
    if (call.interpreter_requested_at) {
      return twiml(reply, conferenceTwiml(signal, 'advocate', legs.recording))
    }
    const status = leg.DialCallStatus?.toLowerCase()
    if (status) {
      // The dial never reached the caller: back to the queue, for someone else.
      if (UNANSWERED.has(status)) {
        await requeueUnbridged(deps.database, signal, leg.CallSid, status as UnbridgedReason)
      }
      return twiml(reply, hangUpTwiml())
    }
    return twiml(reply, bridgeTwiml(signal, legs.recording))
  })

  route('status', async (request, reply) => {
    const report = form(request, statusForm)
    await recordCallStatus(voice, { callSid: report.CallSid, status: report.CallStatus.toLowerCase() })
    return twiml(reply, EMPTY_TWIML)
  })

  route('recording', async (request, reply) => {
    const report = form(request, recordingForm)
    const { signal } = queryOf(signalQuery, request)
    await recordRecording(voice, {
      signalId: signal,
      recordingSid: report.RecordingSid,
      status: report.RecordingStatus.toLowerCase(),
      durationSeconds: report.RecordingDuration === undefined ? null : Number(report.RecordingDuration),
    })
    return twiml(reply, EMPTY_TWIML)
  })
}
