/**
 * What the intake API and its sockets send: the advocate's workspace, the supervisor's board, messages
 * as staff and visitors see them. Shared by the server and the web apps.
 */

import { type ProvinceCode, provinceCodes } from '../geography.ts'

export const channels = ['sms', 'whatsapp', 'web_chat', 'web_form', 'email', 'voice'] as const
export type Channel = (typeof channels)[number]
export const presenceStates = ['available', 'busy', 'wrap_up', 'away'] as const
export type PresenceState = (typeof presenceStates)[number]
export type SignalStatus = 'queued' | 'offered' | 'active' | 'wrap_up' | 'ended' | 'abandoned'
/** `note`: an advocate's internal note (a transfer note), never sent to the person. */
export type MessageDirection = 'in' | 'out' | 'note'
export type ChannelGroup = 'voice' | 'messaging' | 'email' | 'form'

/**
 * Who reached the line, as the advocate records it at wrap-up when the person said: a victim (still in
 * the situation), a survivor (has left it), a concerned person (family, a friend, someone of the
 * community), a professional (a service provider, police, ...); or unknown, or declined to say.
 */
export const callerTypes = [
  'victim',
  'survivor',
  'concerned_other',
  'professional',
  'unknown',
  'declined',
] as const
export type CallerType = (typeof callerTypes)[number]

/** Where the person is, recorded at wrap-up: a province or territory (ISO 3166-2:CA), unknown or declined. */
export type SignalProvince = ProvinceCode | 'unknown' | 'declined'
export const signalProvinces: readonly [SignalProvince, ...SignalProvince[]] = [
  'unknown',
  'declined',
  ...provinceCodes,
]

/** Where a conversation stands, as the visitor is told. */
export type VisitorState = 'waiting' | 'connected' | 'ended'

export type ChatFrame =
  | {
      type: 'message'
      seq: number
      from: 'visitor' | 'advocate'
      body: string
      at: string
      /** The visitor's own id for a message they sent, so their page matches it with its draft. */
      clientId: string | null
    }
  | { type: 'state'; state: VisitorState }

export interface StaffMessage {
  seq: number
  direction: MessageDirection
  kind: string
  body: string | null
  at: string
  authorId: string | null
  deliveryStatus: string | null
  media: { type: string | null; size: number | null }[]
}

/** What an advocate's workspace shows: presence, open offers, their conversations, colleagues. */
export interface Workspace {
  presence: { state: PresenceState; languages: string[]; skills: string[]; since: string } | null
  offers: {
    offerId: string
    signalId: string
    channel: Channel
    language: string
    preferredLanguage: string | null
    inDanger: boolean
    enqueuedAt: string | null
    expiresAt: string
  }[]
  conversations: {
    id: string
    channel: Channel
    status: SignalStatus
    language: string
    preferredLanguage: string | null
    interpreterNeeded: boolean
    inDanger: boolean
    answeredAt: string | null
    lastSeq: number
    lastMessageAt: string
  }[]
  colleagues: { staffId: string; displayName: string; state: PresenceState; languages: string[] }[]
}

/** What a supervisor watches: queues, advocates, service level, failures. No personal data. */
export interface Board {
  at: string
  queues: { queue: string; waiting: number; oldestEnqueuedAt: string | null; inDanger: number }[]
  advocates: {
    staffId: string
    displayName: string
    state: PresenceState
    since: string
    languages: string[]
    load: Record<ChannelGroup, number>
    offered: number
  }[]
  /** Per channel since `since` (the last 24 hours): answered within the threshold over all that ended waiting. */
  serviceLevel: {
    channel: string
    offered: number
    answered: number
    answeredInTime: number
    abandoned: number
    /** Share answered within the threshold, 0–1, or null when nothing was offered. */
    level: number | null
    averageAnswerSeconds: number | null
  }[]
  /** Open conversations, for reassignment: ids and times only. */
  conversations: {
    signalId: string
    channel: string
    queue: string
    status: string
    advocateId: string | null
    inDanger: boolean
    enqueuedAt: string | null
    answeredAt: string | null
  }[]
  thresholdSeconds: number
  since: string
  failedDeliveries: number
}
