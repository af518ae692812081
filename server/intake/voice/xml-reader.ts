/** An XML element as tests read TwiML: its name, attributes, and children (elements or text). */
export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: (XmlElement | string)[]
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);|&/gi, (match, entity: string | undefined) => {
    if (!entity) throw new Error('a bare & is not well-formed XML')
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16))
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)))
    const named = entities[entity]
    if (named === undefined) throw new Error(`unknown entity ${match}`)
    return named
  })
}

const NAME = '[A-Za-z_][A-Za-z0-9_.-]*'

/**
 * Reads a document strictly: one root element, every tag closed in order, attributes quoted once
 * each, entities known. Enough for TwiML (no DTD, comments, CDATA or namespaces); a test helper.
 */
export function readXml(document: string): XmlElement {
  let at = 0
  const rest = () => document.slice(at)
  const declaration = /^<\?xml\s[^?]*\?>/.exec(rest())
  if (declaration) at += declaration[0].length

  function element(): XmlElement {
    const open = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"<]*")*)\\s*(/?)>`).exec(rest())
    if (!open) throw new Error(`expected an element at ${at}: ${rest().slice(0, 40)}`)
    at += open[0].length
    const [, name, rawAttributes = '', selfClosing] = open
    const attributes: Record<string, string> = {}
    for (const [, key, value] of rawAttributes.matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, 'g'))) {
      if (key! in attributes) throw new Error(`attribute ${key} repeated on ${name}`)
      attributes[key!] = decode(value!)
    }
    const node: XmlElement = { name: name!, attributes, children: [] }
    if (selfClosing) return node
    for (;;) {
      const close = new RegExp(`^</(${NAME})\\s*>`).exec(rest())
      if (close) {
        if (close[1] !== name) throw new Error(`</${close[1]}> closes <${name}>`)
        at += close[0].length
        return node
      }
      if (rest().startsWith('<')) {
        node.children.push(element())
        continue
      }
      const text = /^[^<]+/.exec(rest())
      if (!text) throw new Error(`<${name}> is not closed`)
      at += text[0].length
      node.children.push(decode(text[0]))
    }
  }

  const root = element()
  if (rest().trim().length > 0) throw new Error('content after the root element')
  return root
}

/** The element's child elements, optionally only those of one name. */
export function elements(node: XmlElement, name?: string): XmlElement[] {
  return node.children.filter(
    (child): child is XmlElement => typeof child !== 'string' && (name === undefined || child.name === name),
  )
}

/** The text directly inside an element. */
export function textOf(node: XmlElement): string {
  return node.children.filter((child): child is string => typeof child === 'string').join('')
}
