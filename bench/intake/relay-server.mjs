// The baseline of the chat benchmark: a bare `ws` server in a process of its own that relays each
// visitor frame to its advocate's socket, wrapped as Relais' console frame is. No database, no
// routing, no encryption: only the WebSocket hops a chat message takes.
import { WebSocketServer } from 'ws'

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
const desks = new Map()
server.on('connection', (socket, request) => {
  const url = new URL(request.url ?? '/', 'http://relay')
  if (url.pathname === '/desk') {
    desks.set(url.searchParams.get('id'), socket)
    return
  }
  const desk = url.searchParams.get('desk')
  const signalId = url.searchParams.get('signal')
  let seq = 0
  socket.on('message', (raw) => {
    const frame = JSON.parse(String(raw))
    seq += 1
    desks
      .get(desk)
      ?.send(JSON.stringify({ type: 'messages', signalId, messages: [{ seq, body: frame.body }] }))
  })
})
server.on('listening', () => console.log(`relay listening on ${server.address().port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
