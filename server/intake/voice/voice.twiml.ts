import type { Translator } from '../../http/i18n.ts'
import type { VoiceLanguage } from './voice.tables.ts'

/** Where Twilio reaches the phone line; every path below is relative to the Relais host. */
export const VOICE_PATH = '/webhooks/twilio/voice'

/** Seconds of silence between two wait messages. */
const WAIT_PAUSE_SECONDS = 20

type Attributes = Record<string, string | number | undefined>

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
}

/** An element; `content` is either text (escaped here) or child elements already built. */
function element(name: string, attributes: Attributes, content: string | string[] = []): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('')
  const inner = typeof content === 'string' ? escapeXml(content) : content.join('')
  return inner.length === 0 ? `<${name}${attrs}/>` : `<${name}${attrs}>${inner}</${name}>`
}

function response(...verbs: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${element('Response', {}, verbs)}`
}

/** Twilio's text-to-speech language for each of the line's languages (Canadian English and French). */
const speech: Record<VoiceLanguage, string> = { en: 'en-CA', fr: 'fr-CA' }

const say = (language: VoiceLanguage, text: string) => element('Say', { language: speech[language] }, text)

/** Both languages, English first: what a caller hears before they have chosen. */
const sayBoth = (translator: Translator, key: string) =>
  (['en', 'fr'] as const).map((language) => say(language, translator.t(language, `voice:${key}`)))

/** The name of the Twilio queue (and conference) of one signal: at most 64 characters. */
export const queueOf = (signalId: string) => `signal-${signalId}`

/**
 * The language menu: one key, each choice said in its own language. Nothing pressed falls through to
 * the language step without digits, which plays the menu once more before choosing the line's default.
 */
export function menuTwiml(translator: Translator, again = false): string {
  const action = `${VOICE_PATH}/language`
  return response(
    ...(again ? sayBoth(translator, 'menuAgain') : []),
    element('Gather', { numDigits: 1, action, method: 'POST', timeout: 6 }, sayBoth(translator, 'menu')),
    element('Redirect', { method: 'POST' }, action),
  )
}

/**
 * Puts the caller in the queue of their signal, where only the advocate who accepts it dials in.
 * `absoluteBase` makes the URLs absolute, for TwiML sent through the REST API.
 */
export function enqueueTwiml(signalId: string, language: VoiceLanguage, absoluteBase = ''): string {
  return response(
    element(
      'Enqueue',
      {
        waitUrl: `${absoluteBase}${VOICE_PATH}/wait?lang=${language}`,
        waitUrlMethod: 'POST',
        action: `${absoluteBase}${VOICE_PATH}/queue-result`,
        method: 'POST',
      },
      queueOf(signalId),
    ),
  )
}

/**
 * What a waiting caller hears, then again: a word of patience, their place among the calls waiting
 * in their language (when known), and what to do in immediate danger.
 */
export function waitTwiml(
  translator: Translator,
  language: VoiceLanguage,
  position: number | null,
  emergencyNumber: string,
): string {
  const t = (key: string, values?: Record<string, unknown>) => translator.t(language, `voice:${key}`, values)
  return response(
    say(language, t('wait')),
    ...(position === null ? [] : [say(language, t('position', { position }))]),
    say(language, t('danger', { emergency: emergencyNumber })),
    element('Pause', { length: WAIT_PAUSE_SECONDS }),
    element('Redirect', { method: 'POST' }, `${VOICE_PATH}/wait?lang=${language}`),
  )
}

/** A polite end: in the caller's language when known, otherwise in both. */
export function sayAndHangUp(translator: Translator, key: string, language: VoiceLanguage | null): string {
  const words = language ? [say(language, translator.t(language, `voice:${key}`))] : sayBoth(translator, key)
  return response(...words, element('Hangup', {}))
}

export const hangUpTwiml = () => response(element('Hangup', {}))

const recordingCallback = (signalId: string) => `${VOICE_PATH}/recording?signal=${signalId}`

/**
 * The advocate's leg, once they answer their phone: dial the signal's queue, which holds only this
 * caller. When the dial ends (the caller hung up, or both were moved into a conference), Twilio asks
 * the same URL again with DialCallStatus.
 */
export function bridgeTwiml(signalId: string, recording: boolean): string {
  return response(
    element(
      'Dial',
      {
        action: `${VOICE_PATH}/bridge?signal=${signalId}`,
        method: 'POST',
        ...(recording
          ? {
              record: 'record-from-answer',
              recordingStatusCallback: recordingCallback(signalId),
              recordingStatusCallbackMethod: 'POST',
            }
          : {}),
      },
      [element('Queue', {}, queueOf(signalId))],
    ),
  )
}

export type ConferenceRole = 'caller' | 'advocate' | 'interpreter'

/**
 * One leg's way into the signal's conference, where an interpreter joins the caller and the advocate.
 * The conference ends when the caller or the advocate leaves, not when the interpreter does.
 * `absoluteBase` makes the recording callback absolute, for TwiML sent through the REST API.
 */
export function conferenceTwiml(
  signalId: string,
  role: ConferenceRole,
  recording: boolean,
  absoluteBase = '',
): string {
  const records = recording && role === 'advocate'
  return response(
    element('Dial', {}, [
      element(
        'Conference',
        {
          beep: 'false',
          startConferenceOnEnter: 'true',
          endConferenceOnExit: role === 'interpreter' ? 'false' : 'true',
          ...(records
            ? {
                record: 'record-from-start',
                recordingStatusCallback: `${absoluteBase}${recordingCallback(signalId)}`,
                recordingStatusCallbackMethod: 'POST',
              }
            : {}),
        },
        queueOf(signalId),
      ),
    ]),
  )
}
