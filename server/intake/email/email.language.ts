import { lineLanguages } from '../signals.ts'

/** Words common in short messages to a hotline, which tell English and French apart. */
const markers: Record<(typeof lineLanguages)[number], Set<string>> = {
  en: new Set(
    'i you my me the and is are am not need help please hello hi thanks thank with for from what can this'.split(
      ' ',
    ),
  ),
  fr: new Set(
    'je j vous mon ma mes le la les et est suis pas besoin aide aidez bonjour salut merci avec pour de des une qui peux'.split(
      ' ',
    ),
  ),
}

/** How much of the body is read: the opening says which language the person writes in. */
const SAMPLE_CHARS = 2000

export interface EmailLanguage {
  /** The line's language for the conversation (en or fr). */
  language: string
  /** Another language the message declares (Content-Language), which may call for an interpreter. */
  preferredLanguage: string | null
}

/**
 * The language of a new email conversation: the message's Content-Language when it declares one of
 * the line's languages; otherwise the one its subject and opening words are written in; otherwise
 * the line's default. A declared language the line does not speak becomes the preferred language.
 */
export function emailLanguage(
  email: { contentLanguage: string | null; subject: string | null; text: string | null },
  fallback: string,
): EmailLanguage {
  const declared = primaryTag(email.contentLanguage)
  if (declared && (lineLanguages as readonly string[]).includes(declared)) {
    return { language: declared, preferredLanguage: null }
  }
  const written = writtenLanguage(`${email.subject ?? ''}\n${(email.text ?? '').slice(0, SAMPLE_CHARS)}`)
  return { language: written ?? fallback, preferredLanguage: declared }
}

/** `fr` for `fr-CA, en`; null for a missing or malformed value. */
function primaryTag(value: string | null): string | null {
  const first = value?.split(',')[0]?.trim().toLowerCase() ?? ''
  const match = /^([a-z]{2,3})(-[a-z0-9]{1,8})*$/.exec(first)
  return match ? match[1]! : null
}

/** The line's language with clearly more marker words in the text, or null when neither leads. */
export function writtenLanguage(text: string): string | null {
  const words = text.toLowerCase().split(/[^\p{L}]+/u)
  let en = 0
  let fr = 0
  for (const word of words) {
    if (markers.en.has(word)) en += 1
    if (markers.fr.has(word)) fr += 1
    // Accented letters are French more often than not in a message to this line.
    if (/[àâçéèêëîïôûùüÿœ]/.test(word)) fr += 1
  }
  if (fr > en) return 'fr'
  if (en > fr) return 'en'
  return null
}
