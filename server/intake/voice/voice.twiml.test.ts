import { describe, expect, it } from 'vitest'
import type { Translator } from '../../http/i18n.ts'
import { conferenceTwiml, sayAndHangUp } from './voice.twiml.ts'
import { elements, readXml, textOf } from './xml-reader.ts'

const SIGNAL = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b'

const conferenceOf = (xml: string) => elements(elements(readXml(xml), 'Dial')[0]!, 'Conference')[0]!

describe('TwiML', () => {
  it('records a conference from the advocate’s leg only, with an absolute callback for the REST API', () => {
    const advocate = conferenceOf(conferenceTwiml(SIGNAL, 'advocate', true, 'https://hotline.example.org'))
    expect(advocate.attributes).toMatchObject({
      record: 'record-from-start',
      recordingStatusCallback: `https://hotline.example.org/webhooks/twilio/voice/recording?signal=${SIGNAL}`,
      endConferenceOnExit: 'true',
    })
    expect(conferenceOf(conferenceTwiml(SIGNAL, 'caller', true)).attributes.record).toBeUndefined()
    expect(conferenceOf(conferenceTwiml(SIGNAL, 'advocate', false)).attributes.record).toBeUndefined()
    expect(conferenceOf(conferenceTwiml(SIGNAL, 'interpreter', true)).attributes.endConferenceOnExit).toBe(
      'false',
    )
  })

  it('escapes what it says, so a translation cannot break the document', () => {
    const translator: Translator = {
      locales: ['en', 'fr'],
      t: (locale) => (locale === 'fr' ? 'L’aide & <le> "soutien"' : "Help & <support> 'now'"),
      localeFor: () => 'en',
    }
    const root = readXml(sayAndHangUp(translator, 'goodbye', null))
    expect(elements(root, 'Say').map(textOf)).toEqual(["Help & <support> 'now'", 'L’aide & <le> "soutien"'])
  })
})
