import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A request the stand-in provider received, as it came. */
export interface RecordedRequest {
  method: string
  /** Path and query. */
  path: string
  headers: IncomingMessage['headers']
  body: string
}

/** What the stand-in answers: a status, headers, and a body (JSON when an object), or chunks. */
export interface FakeReply {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer | object
  /** Sent one write at a time without a Content-Length (chunked), as a stream of unknown length. */
  chunks?: Buffer[]
}

export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>

export interface FakeProvider {
  /** http://127.0.0.1:<port> */
  url: string
  requests: RecordedRequest[]
  /** Replaces how it answers from now on. */
  handle(handler: FakeHandler): void
  close(): Promise<void>
}

/**
 * A local HTTP server standing in for a provider's API (Twilio REST, Meta Graph) in tests: it records
 * every request and answers as told. The client code under test is the real one, pointed here by its
 * configurable base URL.
 */
export async function startFakeProvider(
  handler: FakeHandler = () => ({ status: 404 }),
): Promise<FakeProvider> {
  const requests: RecordedRequest[] = []
  let current = handler
  const answer = async (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    const request: RecordedRequest = {
      method: incoming.method ?? '',
      path: incoming.url ?? '',
      headers: incoming.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    }
    requests.push(request)
    const reply = await current(request)
    const json = reply.body !== undefined && typeof reply.body === 'object' && !Buffer.isBuffer(reply.body)
    response.writeHead(reply.status, {
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...reply.headers,
    })
    if (reply.chunks) {
      for (const chunk of reply.chunks) {
        // The reader may give up part-way (too large): the rest is not written.
        if (!response.write(chunk)) {
          await new Promise((resolve) => {
            response.once('drain', resolve)
            response.once('close', resolve)
          })
        }
        if (response.destroyed) return
      }
      response.end()
      return
    }
    response.end(json ? JSON.stringify(reply.body) : (reply.body as string | Buffer | undefined))
  }
  const server = createServer((incoming, response) => {
    answer(incoming, response).catch(() => response.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      current = next
    },
    close() {
      server.closeAllConnections()
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
    },
  }
}
