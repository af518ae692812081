/** A runtime setting the server wrote into the page as a <meta> tag (see server/http/web.ts). */
export function pageSetting(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? ''
}

/** The number to call in immediate danger, as configured (RELAIS_EMERGENCY_NUMBER). */
export function emergencyNumber(): string {
  return pageSetting('relais-emergency-number') || '911'
}
