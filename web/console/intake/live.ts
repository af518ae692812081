import { useEffect, useRef, useState } from 'react'
import type { Board, StaffMessage, Workspace } from '../../../common/contracts/intake.ts'

export type { Board, StaffMessage, Workspace }

export type LiveFrame =
  | { type: 'workspace'; workspace: Workspace }
  | { type: 'board'; board: Board }
  | { type: 'messages'; signalId: string; messages: StaffMessage[] }
  | { type: 'delivery'; signalId: string }

/**
 * The console's one live connection: the server pushes the workspace, the board and new messages.
 * On a drop it reconnects with back-off; the first frames after a reconnect are fresh snapshots,
 * so nothing missed meanwhile stays missed.
 */
export function useLive(onFrame: (frame: LiveFrame) => void): { connected: boolean } {
  const [connected, setConnected] = useState(false)
  const handler = useRef(onFrame)
  handler.current = onFrame
  useEffect(() => {
    let socket: WebSocket | null = null
    let stopped = false
    let delay = 500
    let timer: number | undefined
    const connect = () => {
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
      socket = new WebSocket(`${scheme}://${window.location.host}/api/intake/socket`)
      socket.onopen = () => {
        delay = 500
        setConnected(true)
      }
      socket.onmessage = (event) => handler.current(JSON.parse(String(event.data)) as LiveFrame)
      socket.onclose = () => {
        setConnected(false)
        if (stopped) return
        timer = window.setTimeout(connect, delay)
        delay = Math.min(delay * 2, 10_000)
      }
    }
    connect()
    return () => {
      stopped = true
      window.clearTimeout(timer)
      socket?.close()
    }
  }, [])
  return { connected }
}

/** The time now, refreshed every second while a component shows it (a clock, not a poll). */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000)
    return () => window.clearInterval(timer)
  }, [])
  return now
}

/** Whole seconds between an ISO time and `now` (never negative). */
export const secondsBetween = (iso: string, now: number) =>
  Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000))

/** A short two-tone chime made in the page (no sound file to fetch). */
export function chime(): void {
  try {
    const context = new AudioContext()
    for (const [index, frequency] of [880, 660].entries()) {
      const oscillator = context.createOscillator()
      const gain = context.createGain()
      oscillator.frequency.value = frequency
      gain.gain.value = 0.15
      oscillator.connect(gain).connect(context.destination)
      oscillator.start(context.currentTime + index * 0.18)
      oscillator.stop(context.currentTime + index * 0.18 + 0.15)
    }
    window.setTimeout(() => void context.close(), 1000)
  } catch {
    // No audio output (or not allowed yet): the visible offer and its announcement remain.
  }
}
