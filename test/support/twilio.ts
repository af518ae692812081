import { randomBytes } from 'node:crypto'
import twilio from 'twilio'

/** An inbound SMS as Twilio posts it to the messaging webhook. */
export interface InboundSms {
  sid: string
  from: string
  body: string
}

/** A MessageSid in Twilio's shape: SM and 32 hexadecimal digits. */
export const messageSid = () => `SM${randomBytes(16).toString('hex')}`

/**
 * The request Twilio sends for an inbound SMS: the form body and its X-Twilio-Signature, signed with
 * the official library for `url` (the webhook's URL as configured at Twilio).
 */
export function signedSms(authToken: string, url: string, sms: InboundSms) {
  const params: Record<string, string> = {
    AccountSid: 'AC00000000000000000000000000000000',
    MessageSid: sms.sid,
    SmsSid: sms.sid,
    From: sms.from,
    To: '+18005550199',
    Body: sms.body,
    NumMedia: '0',
    NumSegments: '1',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  }
  return {
    body: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
    },
  }
}
