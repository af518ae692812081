import fc from 'fast-check'
import twilio from 'twilio'
import { describe, expect, it } from 'vitest'
import { type FormParams, isValidTwilioSignature, parseForm, twilioSignature } from './twilio-signature.ts'

const token = 'test_auth_token_0123456789abcdef'
const inbound: FormParams = {
  AccountSid: 'AC00000000000000000000000000000000',
  MessageSid: 'SM11111111111111111111111111111111',
  From: '+15145550100',
  To: '+18005550199',
  Body: 'J’ai besoin d’aide & vite',
  NumMedia: '0',
}

describe('Twilio request signature', () => {
  it('is the signature the official library computes', () => {
    const url = 'https://hotline.example.org/webhooks/twilio/sms'
    expect(twilioSignature(token, url, inbound)).toBe(twilio.getExpectedTwilioSignature(token, url, inbound))
  })

  it('agrees with the official library on any parameters and query strings', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 40 }), {
          maxKeys: 8,
        }),
        fc.string({ maxLength: 20 }),
        (params, query) => {
          const url = `https://hotline.example.org/webhooks/twilio/sms?${new URLSearchParams({ q: query })}`
          const expected = twilio.getExpectedTwilioSignature(token, url, params)
          expect(twilioSignature(token, url, params)).toBe(expected)
          expect(isValidTwilioSignature(token, expected, url, params)).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('signs a repeated parameter as the official library does', () => {
    const url = 'https://hotline.example.org/webhooks/twilio/sms'
    const params = parseForm('Body=hi&MediaUrl=b&MediaUrl=a&MediaUrl=b')
    expect(params.MediaUrl).toEqual(['b', 'a', 'b'])
    expect(twilioSignature(token, url, params)).toBe(twilio.getExpectedTwilioSignature(token, url, params))
  })

  it('accepts what the official library signs, with a query string, with or without the default port', () => {
    const signedUrl = 'https://hotline.example.org/webhooks/twilio/sms?line=fr&x=%C3%A9'
    const signature = twilio.getExpectedTwilioSignature(token, signedUrl, inbound)
    expect(isValidTwilioSignature(token, signature, signedUrl, inbound)).toBe(true)
    expect(
      isValidTwilioSignature(
        token,
        signature,
        'https://hotline.example.org:443/webhooks/twilio/sms?line=fr&x=%C3%A9',
        inbound,
      ),
    ).toBe(true)
    // And the official validator accepts ours.
    expect(
      twilio.validateRequest(token, twilioSignature(token, signedUrl, inbound), signedUrl, inbound),
    ).toBe(true)
  })

  it('refuses a missing header, another token, another URL, or a changed parameter', () => {
    const url = 'https://hotline.example.org/webhooks/twilio/sms'
    const signature = twilio.getExpectedTwilioSignature(token, url, inbound)
    expect(isValidTwilioSignature(token, undefined, url, inbound)).toBe(false)
    expect(isValidTwilioSignature(token, '', url, inbound)).toBe(false)
    expect(isValidTwilioSignature('another_token_0123456789abcdef', signature, url, inbound)).toBe(false)
    expect(
      isValidTwilioSignature(token, signature, 'http://hotline.example.org/webhooks/twilio/sms', inbound),
    ).toBe(false)
    expect(isValidTwilioSignature(token, signature, `${url}?x=1`, inbound)).toBe(false)
    expect(isValidTwilioSignature(token, signature, url, { ...inbound, Body: 'other' })).toBe(false)
    expect(
      isValidTwilioSignature(
        token,
        signature,
        'https://hotline.example.org:8443/webhooks/twilio/sms',
        inbound,
      ),
    ).toBe(false)
  })
})
