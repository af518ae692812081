import { z } from 'zod'

/** The number Relais rings when an advocate accepts a call; null stops ringing them. */
export const voiceNumberRequest = z.strictObject({
  number: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .nullable()
    .describe('A telephone number in E.164 (+15145550100); spaces, dashes and brackets are ignored'),
})

export const voiceSignalParams = z.strictObject({ signalId: z.uuid() })
