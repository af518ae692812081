import type { FastifyBaseLogger } from 'fastify'
import type { Env } from '../../config/env.ts'
import type { Secrets } from '../../crypto/secrets.ts'
import type { Database } from '../../db/database.ts'
import { AppError } from '../../http/errors.ts'
import type { IntakeBus } from '../events.ts'
import { TwilioCalls } from './twilio-calls.ts'
import { purgeExpiredRecordings } from './voice.recordings.ts'
import { requeueUnbridged } from './voice.service.ts'
import {
  claimBridge,
  claimHangUp,
  claimRequeue,
  pendingSignals,
  updateCall,
  voiceNumberOf,
} from './voice.store.ts'
import { conferenceTwiml, enqueueTwiml, VOICE_PATH } from './voice.twiml.ts'

/** How often recordings past their retention are looked for. */
const PURGE_EVERY_MS = 60 * 60_000

export interface VoiceLegsConfig {
  database: Database
  secrets: Secrets
  /** Twilio's REST API; null without TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN. */
  calls: TwilioCalls | null
  /** RELAIS_PUBLIC_URL without its trailing slash: the REST API needs absolute URLs. */
  publicUrl: string | null
  /** The line's number, calling the advocates and the interpreters (TWILIO_VOICE_FROM). */
  from: string | null
  interpreterNumber: string | null
  recording: boolean
  retentionDays: number
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>
}

export function voiceLegsConfig(
  env: Env,
  deps: { database: Database; secrets: Secrets },
  log: VoiceLegsConfig['log'],
): VoiceLegsConfig {
  const calls =
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN
      ? new TwilioCalls({
          apiBase: env.TWILIO_API_BASE,
          accountSid: env.TWILIO_ACCOUNT_SID,
          authToken: env.TWILIO_AUTH_TOKEN,
        })
      : null
  return {
    ...deps,
    calls,
    publicUrl: env.RELAIS_PUBLIC_URL ? env.RELAIS_PUBLIC_URL.replace(/\/+$/, '') : null,
    from: env.TWILIO_VOICE_FROM ?? null,
    interpreterNumber: env.RELAIS_INTERPRETER_NUMBER ?? null,
    recording: env.RELAIS_VOICE_RECORDING,
    retentionDays: env.RELAIS_VOICE_RECORDING_RETENTION_DAYS,
    log,
  }
}

/** What Twilio's refusal says, without anything it may have quoted. */
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : 'error').slice(0, 200)

/**
 * The calls Relais places or changes through Twilio's REST API: the advocate's leg when they accept a
 * call, the hang-up when they end it, the interpreter's conference. Every process hears every change
 * on the bus; each action is claimed by a conditional update first, so only one process calls Twilio.
 */
export class VoiceLegs {
  readonly #config: VoiceLegsConfig
  readonly #inflight = new Set<Promise<void>>()
  #unsubscribe: (() => void)[] = []
  #purgeTimer: NodeJS.Timeout | null = null
  #stopped = false

  constructor(config: VoiceLegsConfig) {
    this.#config = config
  }

  get recording(): boolean {
    return this.#config.recording
  }

  start(bus: IntakeBus): void {
    this.#unsubscribe.push(
      bus.subscribe((event) => {
        if (event.type === 'signal.changed' || event.type === 'signal.queued') {
          this.#track(this.#follow(event.signalId))
        }
      }),
      // Changes announced while this process was not listening are read from the tables.
      bus.onResync(() => this.#track(this.#catchUp())),
    )
    this.#track(this.#catchUp())
    if (this.#config.calls) {
      this.#track(this.#purge())
      this.#purgeTimer = setInterval(() => this.#track(this.#purge()), PURGE_EVERY_MS)
      this.#purgeTimer.unref()
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    for (const unsubscribe of this.#unsubscribe) unsubscribe()
    if (this.#purgeTimer) clearInterval(this.#purgeTimer)
    await this.settled()
  }

  /** Resolves once nothing this process started is still under way (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.all(this.#inflight)
  }

  #track(work: Promise<void>): void {
    if (this.#stopped) return
    const tracked = work.catch((error) => this.#config.log.error({ err: error }, 'voice call step failed'))
    this.#inflight.add(tracked)
    void tracked.finally(() => this.#inflight.delete(tracked))
  }

  async #follow(signalId: string): Promise<void> {
    await this.requeue(signalId)
    await this.bridge(signalId)
    await this.hangUp(signalId)
  }

  async #catchUp(): Promise<void> {
    for (const signalId of await pendingSignals(this.#config.database.db)) await this.#follow(signalId)
  }

  async #purge(): Promise<void> {
    const { calls, database, retentionDays } = this.#config
    if (!calls) return
    const { failed } = await purgeExpiredRecordings({ database, calls, retentionDays })
    if (failed > 0) this.#config.log.warn({ failed }, 'recordings past retention not yet deleted')
  }

  /**
   * Rings the advocate who accepted a waiting call; their answer dials the caller's queue. Without the
   * REST API configured nothing is claimed, so the call is bridged once it is (at the next start).
   */
  async bridge(signalId: string, now = new Date()): Promise<void> {
    const { calls, publicUrl, from, database, secrets, log } = this.#config
    if (!calls || !publicUrl || !from) return
    const db = database.db
    const claim = await claimBridge(db, signalId, now)
    if (!claim) return
    const sealed = claim.advocate_id ? await voiceNumberOf(db, claim.advocate_id) : undefined
    if (!sealed) {
      log.warn({ signalId }, 'advocate accepted a call without a voice number')
      await requeueUnbridged(database, signalId, null, 'no_voice_number')
      return
    }
    try {
      const sid = await calls.createCall({
        to: secrets.open(sealed),
        from,
        url: `${publicUrl}${VOICE_PATH}/bridge?signal=${signalId}`,
        statusCallback: `${publicUrl}${VOICE_PATH}/status`,
      })
      await updateCall(db, claim.call_sid, { advocate_call_sid: sid })
    } catch (error) {
      log.error({ signalId, reason: reasonOf(error) }, 'could not ring the advocate')
      await requeueUnbridged(database, signalId, null, 'not_reached')
    }
  }

  /**
   * Puts a bridged caller back in their queue when their conversation was transferred or reassigned:
   * their TwiML is replaced, which ends the bridge (the previous advocate's leg then hangs up), and
   * the next advocate to accept is rung.
   */
  async requeue(signalId: string): Promise<void> {
    const { calls, publicUrl, database, log } = this.#config
    if (!calls || !publicUrl) return
    const claim = await claimRequeue(database.db, signalId)
    if (!claim?.language) return
    try {
      await calls.updateCall(claim.call_sid, { twiml: enqueueTwiml(signalId, claim.language, publicUrl) })
    } catch (error) {
      log.warn({ signalId, reason: reasonOf(error) }, 'could not put the caller back in their queue')
    }
  }

  /** Hangs up the caller when the advocate ended the conversation and the call is still up. */
  async hangUp(signalId: string, now = new Date()): Promise<void> {
    const { calls, database, log } = this.#config
    if (!calls) return
    const claim = await claimHangUp(database.db, signalId, now)
    if (!claim) return
    try {
      await calls.updateCall(claim.call_sid, { status: 'completed' })
    } catch (error) {
      await updateCall(database.db, claim.call_sid, { hangup_error: reasonOf(error) })
      log.warn({ signalId, reason: reasonOf(error) }, 'could not hang up the caller')
    }
  }

  /** 503 before anything changes when the line cannot dial an interpreter. */
  assertInterpreterReady(): void {
    const { calls, publicUrl, from, interpreterNumber } = this.#config
    if (!calls || !publicUrl || !from || !interpreterNumber) throw new AppError('service_unavailable', 503)
  }

  /**
   * Moves a bridged call into the signal's conference, the caller first, then the advocate, and dials
   * the interpretation service into it. Call after `claimInterpreter` has committed.
   */
  async joinInterpreter(signalId: string, legs: { callSid: string; advocateCallSid: string }) {
    const { calls, publicUrl, from, interpreterNumber, recording, database } = this.#config
    if (!calls || !publicUrl || !from || !interpreterNumber) throw new AppError('service_unavailable', 503)
    const twiml = (role: 'caller' | 'advocate' | 'interpreter') =>
      conferenceTwiml(signalId, role, recording, publicUrl)
    try {
      await calls.updateCall(legs.callSid, { twiml: twiml('caller') })
      await calls.updateCall(legs.advocateCallSid, { twiml: twiml('advocate') })
      const sid = await calls.createCall({
        to: interpreterNumber,
        from,
        twiml: twiml('interpreter'),
        statusCallback: `${publicUrl}${VOICE_PATH}/status`,
      })
      await updateCall(database.db, legs.callSid, { interpreter_call_sid: sid })
    } catch (error) {
      await updateCall(database.db, legs.callSid, { interpreter_error: reasonOf(error) })
      this.#config.log.error({ signalId, reason: reasonOf(error) }, 'could not bring in the interpreter')
      throw new AppError('service_unavailable', 503)
    }
  }
}
