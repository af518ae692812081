// The words come as text, not modules: this script must stay one self-contained file that any page
// can load with a plain <script src defer>, sharing no chunk with the apps.
import enText from '../../common/locales/en/chat.json?raw'
import frText from '../../common/locales/fr/chat.json?raw'

/**
 * The embed script (`/widget/embed.js`) a site adds to offer the chat:
 * `<script src="https://<relais>/widget/embed.js" defer></script>`. It adds a launcher button; the
 * first click opens a panel with the widget in a frame served by Relais (nothing is fetched from
 * Relais before that, and nothing from any other host ever). It takes the host page away when the
 * person leaves in a hurry: on the widget's quick exit, or on Shift pressed three times while the
 * panel is open, it blanks the page and replaces its history entry with the neutral site.
 */
;(() => {
  const script = document.currentScript
  if (!(script instanceof HTMLScriptElement) || !script.src) return
  // Included twice: one launcher is enough.
  if (document.querySelector('[data-relais-chat]')) return
  const relais = new URL(script.src).origin

  interface Words {
    launcher: string
    close: string
    frameTitle: string
  }
  const words = {
    en: (JSON.parse(enText) as { embed: Words }).embed,
    fr: (JSON.parse(frText) as { embed: Words }).embed,
  }
  // The host page's language first, the other beside it: the person has not chosen yet.
  const order: ('en' | 'fr')[] = document.documentElement.lang.toLowerCase().startsWith('fr')
    ? ['fr', 'en']
    : ['en', 'fr']
  const both = (key: keyof Words) => order.map((language) => words[language][key]).join(' / ')

  const brand = '#0b5d57'
  const focusRing = '#ffbf47'
  const styled = <T extends HTMLElement>(element: T, styles: Record<string, string>): T => {
    // Through the CSSOM, which a host page's CSP allows, unlike style attributes or elements.
    for (const [property, value] of Object.entries(styles)) element.style.setProperty(property, value)
    return element
  }
  const withFocusRing = (element: HTMLElement) => {
    element.addEventListener('focus', () => element.style.setProperty('outline', `3px solid ${focusRing}`))
    element.addEventListener('blur', () => element.style.removeProperty('outline'))
    element.style.setProperty('outline-offset', '2px')
  }
  const font = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif'

  const root = document.createElement('div')
  root.dataset.relaisChat = ''

  const launcher = styled(document.createElement('button'), {
    position: 'fixed',
    right: '1rem',
    bottom: '1rem',
    'z-index': '2147483000',
    font: `700 1rem/1.3 ${font}`,
    color: '#fff',
    background: brand,
    border: '2px solid #fff',
    'border-radius': '999px',
    padding: '0.7rem 1.2rem',
    cursor: 'pointer',
    'box-shadow': '0 2px 8px rgb(0 0 0 / 30%)',
  })
  launcher.type = 'button'
  launcher.setAttribute('aria-expanded', 'false')
  order.forEach((language, index) => {
    if (index > 0) launcher.append(' / ')
    const name = document.createElement('span')
    name.lang = language
    name.textContent = words[language].launcher
    launcher.append(name)
  })
  withFocusRing(launcher)

  const panel = styled(document.createElement('div'), {
    position: 'fixed',
    right: '1rem',
    bottom: '4.75rem',
    'z-index': '2147483000',
    width: 'min(25rem, calc(100vw - 2rem))',
    height: 'min(40rem, calc(100vh - 6rem))',
    display: 'none',
    'flex-direction': 'column',
    background: '#fff',
    border: `2px solid ${brand}`,
    'border-radius': '10px',
    overflow: 'hidden',
    'box-shadow': '0 4px 18px rgb(0 0 0 / 30%)',
  })
  panel.id = 'relais-chat-panel'
  panel.setAttribute('role', 'region')
  panel.setAttribute('aria-label', both('frameTitle'))
  launcher.setAttribute('aria-controls', panel.id)

  // Over the frame's top-left corner, where the widget leaves room for it in its own bar.
  const close = styled(document.createElement('button'), {
    position: 'absolute',
    top: '0.7rem',
    left: '0.6rem',
    'z-index': '1',
    font: `700 1.25rem/1 ${font}`,
    color: '#fff',
    background: brand,
    border: '2px solid #fff',
    'border-radius': '6px',
    padding: '0.25rem 0.6rem',
    cursor: 'pointer',
  })
  close.type = 'button'
  close.setAttribute('aria-label', both('close'))
  close.title = both('close')
  close.textContent = '×'
  withFocusRing(close)
  panel.append(close)
  root.append(panel, launcher)
  // Without `defer`, in the <head>, the script runs before there is a body to add to.
  if (document.body) document.body.append(root)
  else document.addEventListener('DOMContentLoaded', () => document.body.append(root))

  let frame: HTMLIFrameElement | null = null
  let exitUrl: string | null = null

  const open = () => {
    if (!frame) {
      frame = styled(document.createElement('iframe'), { flex: '1', width: '100%', border: '0' })
      frame.title = both('frameTitle')
      // What the frame may do: run, talk to Relais, and take the host page away after a click.
      frame.setAttribute(
        'sandbox',
        'allow-scripts allow-same-origin allow-forms allow-top-navigation-by-user-activation',
      )
      // The host's name, for the widget's notice of what the browser's history keeps.
      frame.src = `${relais}/widget/#host=${encodeURIComponent(window.location.host)}`
      // The keyboard goes into the widget once there is something in it to reach.
      frame.addEventListener('load', () => frame?.focus(), { once: true })
      panel.append(frame)
    } else {
      frame.focus()
    }
    panel.style.setProperty('display', 'flex')
    launcher.setAttribute('aria-expanded', 'true')
  }
  const hide = () => {
    panel.style.setProperty('display', 'none')
    launcher.setAttribute('aria-expanded', 'false')
    launcher.focus()
  }
  launcher.addEventListener('click', () => (panel.style.display === 'none' ? open() : hide()))
  close.addEventListener('click', hide)

  const isWebAddress = (value: unknown): value is string => {
    if (typeof value !== 'string') return false
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol)
    } catch {
      return false
    }
  }

  /** Blanks the page (the frame stays, hidden, long enough to say goodbye) and replaces its entry. */
  const leave = (url: string) => {
    root.style.setProperty('display', 'none')
    for (const child of [...document.body.children]) if (child !== root) child.remove()
    document.title = ''
    document.documentElement.style.setProperty('background', '#fff')
    try {
      ;(window.top ?? window).location.replace(url)
    } catch {
      window.location.replace(url)
    }
  }

  window.addEventListener('message', (event) => {
    if (event.origin !== relais || !frame || event.source !== frame.contentWindow) return
    const data = event.data as { type?: unknown; url?: unknown; exitUrl?: unknown } | null
    if (data?.type === 'relais:ready' && isWebAddress(data.exitUrl)) {
      exitUrl = data.exitUrl
      // So the widget asks this script to take the page away, rather than trying itself.
      frame.contentWindow?.postMessage({ type: 'relais:embed' }, relais)
    } else if (data?.type === 'relais:close') hide()
    else if (data?.type === 'relais:quick-exit' && isWebAddress(data.url)) leave(data.url)
  })

  // Shift three times within 1.5 s, as in the widget and the portal, while the panel is open.
  let presses: number[] = []
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Shift') {
        presses = []
        return
      }
      if (event.repeat || !frame || !exitUrl || panel.style.display === 'none') return
      presses = [...presses.filter((at) => event.timeStamp - at <= 1500), event.timeStamp]
      if (presses.length < 3) return
      // The widget ends the conversation; the page does not wait for it.
      frame.contentWindow?.postMessage({ type: 'relais:leave' }, relais)
      leave(exitUrl)
    },
    true,
  )
})()
