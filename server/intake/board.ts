import { sql } from 'kysely'
import type { Board } from '../../common/contracts/intake.ts'
import type { Database } from '../db/database.ts'
import { type ChannelGroup, channelGroup, channelGroups } from './signals.ts'

export type { Board }

/** The most open conversations the board lists, longest waiting first. */
const BOARD_CONVERSATIONS = 200

export async function readBoard(
  database: Database,
  thresholdSeconds: number,
  now = new Date(),
): Promise<Board> {
  const since = new Date(now.getTime() - 24 * 3600_000)
  const db = database.db
  const [queues, advocates, loads, levels, failed, open] = await Promise.all([
    db
      .selectFrom('intake_signal')
      .select([
        'queue',
        (eb) => eb.fn.countAll<number>().as('waiting'),
        (eb) => eb.fn.min('enqueued_at').as('oldest'),
        sql<number>`count(*) filter (where in_danger)`.as('in_danger'),
      ])
      .where('status', '=', 'queued')
      .groupBy('queue')
      .orderBy('queue')
      .execute(),
    db
      .selectFrom('intake_presence as p')
      .innerJoin('staff_user as u', 'u.id', 'p.staff_id')
      .select(['p.staff_id', 'u.display_name', 'p.state', 'p.state_since', 'p.languages'])
      .orderBy('u.display_name')
      .execute(),
    db
      .selectFrom('intake_signal')
      .select(['advocate_id', 'channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['offered', 'active', 'wrap_up'])
      .where('advocate_id', 'is not', null)
      .groupBy(['advocate_id', 'channel', 'status'])
      .execute(),
    sql<{
      channel: string
      offered: number
      answered: number
      in_time: number
      abandoned: number
      average: number | null
    }>`
      select channel,
             count(*)::int as offered,
             count(answered_at)::int as answered,
             count(*) filter (where answered_at - enqueued_at <= make_interval(secs => ${thresholdSeconds}))::int as in_time,
             count(abandoned_at)::int as abandoned,
             avg(extract(epoch from answered_at - enqueued_at))::float8 as average
      from intake_signal
      where enqueued_at >= ${since} and (answered_at is not null or abandoned_at is not null)
      group by channel order by channel
    `.execute(db),
    db
      .selectFrom('intake_message')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('direction', '=', 'out')
      .where('delivery_status', 'in', ['failed', 'undelivered'])
      .where('received_at', '>=', since)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('intake_signal')
      .select(['id', 'channel', 'queue', 'status', 'advocate_id', 'in_danger', 'enqueued_at', 'answered_at'])
      .where('status', 'in', ['queued', 'offered', 'active', 'wrap_up'])
      .orderBy('in_danger', 'desc')
      .orderBy('enqueued_at')
      .limit(BOARD_CONVERSATIONS)
      .execute(),
  ])
  return {
    at: now.toISOString(),
    queues: queues.map((row) => ({
      queue: row.queue,
      waiting: Number(row.waiting),
      oldestEnqueuedAt: row.oldest ? new Date(row.oldest).toISOString() : null,
      inDanger: Number(row.in_danger),
    })),
    advocates: advocates.map((row) => {
      const load = Object.fromEntries(channelGroups.map((g) => [g, 0])) as Record<ChannelGroup, number>
      let offered = 0
      for (const entry of loads) {
        if (entry.advocate_id !== row.staff_id) continue
        if (entry.status === 'offered') offered += Number(entry.n)
        else load[channelGroup(entry.channel)] += Number(entry.n)
      }
      return {
        staffId: row.staff_id,
        displayName: row.display_name,
        state: row.state,
        since: new Date(row.state_since).toISOString(),
        languages: row.languages,
        load,
        offered,
      }
    }),
    serviceLevel: levels.rows.map((row) => ({
      channel: row.channel,
      offered: row.offered,
      answered: row.answered,
      answeredInTime: row.in_time,
      abandoned: row.abandoned,
      level: row.offered > 0 ? row.in_time / row.offered : null,
      averageAnswerSeconds: row.average === null ? null : Math.round(row.average),
    })),
    conversations: open.map((row) => ({
      signalId: row.id,
      channel: row.channel,
      queue: row.queue,
      status: row.status,
      advocateId: row.advocate_id,
      inDanger: row.in_danger,
      enqueuedAt: row.enqueued_at ? new Date(row.enqueued_at).toISOString() : null,
      answeredAt: row.answered_at ? new Date(row.answered_at).toISOString() : null,
    })),
    thresholdSeconds,
    since: since.toISOString(),
    failedDeliveries: Number(failed.n),
  }
}
