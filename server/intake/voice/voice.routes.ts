import { z } from 'zod'
import { apiErrorSchema } from '../../../common/contracts/errors.ts'
import { voiceNumberRequest, voiceSignalParams } from '../../../common/contracts/voice.ts'
import { principalOf } from '../../http/access.ts'
import type { AppDeps, ZodApp } from '../../http/app.ts'
import type { IntakeBus } from '../events.ts'
import { routingPolicy } from '../signals.ts'
import { VoiceLegs, voiceLegsConfig } from './voice.legs.ts'
import { claimInterpreter, setVoiceNumber, type VoiceDeps } from './voice.service.ts'
import { registerVoiceWebhooks } from './voice.webhooks.ts'

const errors = {
  400: apiErrorSchema,
  401: apiErrorSchema,
  403: apiErrorSchema,
  404: apiErrorSchema,
  409: apiErrorSchema,
  503: apiErrorSchema,
}
const handle = { access: { kind: 'staff' as const, permission: 'intake.handle' as const } }

/**
 * The phone line: Twilio's voice webhooks (in a scope of their own, which keeps bodies raw for the
 * signature), the advocates' routes, and the calls placed when signals on the bus change.
 */
export async function registerVoice(app: ZodApp, deps: AppDeps, bus: IntakeBus): Promise<void> {
  const voice: VoiceDeps = {
    database: deps.database,
    secrets: deps.secrets,
    policy: routingPolicy(deps.env),
    defaultLanguage: deps.env.RELAIS_INTAKE_LANGUAGE,
  }
  const config = voiceLegsConfig(deps.env, deps, app.log)
  if (config.from && (!config.calls || !config.publicUrl)) {
    app.log.warn('calls to the line cannot reach advocates: set TWILIO_ACCOUNT_SID and RELAIS_PUBLIC_URL')
  }
  const legs = new VoiceLegs(config)
  legs.start(bus)
  app.addHook('onClose', async () => legs.stop())
  await app.register(async (scope) => registerVoiceWebhooks(scope, deps, voice, legs))

  app.put(
    '/api/intake/voice/number',
    {
      config: handle,
      schema: {
        tags: ['intake'],
        summary: 'Set the number Relais rings when you accept a call',
        description: 'Stored encrypted. With `number: null`, calls you accept ring no phone.',
        body: voiceNumberRequest,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      await setVoiceNumber(voice, { ...request.auditContext, actorId: principal.userId }, request.body.number)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/api/intake/voice/:signalId/interpreter',
    {
      config: handle,
      schema: {
        tags: ['intake'],
        summary: 'Bring the interpretation service into a call you are on',
        description:
          'Moves the caller and you into a conference and dials RELAIS_INTERPRETER_NUMBER into it. 409 before your phone has answered, or when an interpreter was already asked for.',
        params: voiceSignalParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      legs.assertInterpreterReady()
      const claimed = await claimInterpreter(
        voice,
        { ...request.auditContext, actorId: principal.userId },
        request.params.signalId,
      )
      await legs.joinInterpreter(request.params.signalId, claimed)
      return reply.code(204).send(null)
    },
  )
}
