import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { provinceCode } from '../../common/geography.ts'
import { createPGliteDatabase } from '../../test/support/database.ts'
import { createSecrets } from '../crypto/secrets.ts'
import type { Database } from '../db/database.ts'
import { seedDemo } from '../demo/demo.ts'
import { identityModule } from '../identity/identity.module.ts'
import { createIdentityService } from '../identity/identity.service.ts'
import { readBoard } from './board.ts'
import { intakeModule } from './intake.module.ts'

describe('demo contact centre', () => {
  let database: Database
  const secrets = createSecrets([randomBytes(32)])
  beforeAll(async () => {
    database = await createPGliteDatabase()
  })
  afterAll(async () => {
    await database.close()
  })

  it('fills the board with a day of history and two people waiting, once', async () => {
    const identity = createIdentityService({
      database,
      secrets,
      config: { sessionIdleMinutes: 30, sessionMaxHours: 12, refuseDemoAccounts: false },
    })
    const context = { database, secrets, identity, seed: 7 }
    const report = await seedDemo([identityModule, intakeModule], context)
    expect(report.join('\n')).toMatch(/2 waiting/)
    const board = await readBoard(database, 30)
    expect(board.queues.reduce((sum, queue) => sum + queue.waiting, 0)).toBe(2)
    expect(board.advocates.every((advocate) => advocate.state === 'away')).toBe(true)
    const answered = board.serviceLevel.reduce((sum, row) => sum + row.answered, 0)
    expect(answered).toBeGreaterThan(15)
    // Bodies are sealed like any other conversation's.
    const message = await database.db
      .selectFrom('intake_message')
      .select('body_sealed')
      .executeTakeFirstOrThrow()
    expect(message.body_sealed).not.toMatch(/passport|passeport|nièce|niece|services|friend/)
    // Wrap-ups recorded where the person was and who reached out, when they said; nothing otherwise.
    const signals = await database.db
      .selectFrom('intake_signal')
      .select(['status', 'language', 'province', 'caller_type'])
      .execute()
    const wrapped = signals.filter((signal) => signal.status === 'ended')
    const unanswered = signals.filter((signal) => signal.status !== 'ended')
    expect(unanswered.length).toBeGreaterThanOrEqual(2)
    expect(unanswered.every((signal) => signal.province === null && signal.caller_type === null)).toBe(true)
    const located = wrapped.filter((signal) => signal.province && provinceCode(signal.province))
    expect(located.length).toBeGreaterThan(wrapped.length / 2)
    expect(located.length).toBeLessThan(wrapped.length)
    for (const signal of located.filter((s) => s.language === 'fr'))
      expect(['QC', 'NB', 'ON']).toContain(signal.province)
    expect(wrapped.filter((signal) => signal.caller_type !== null).length).toBeGreaterThan(wrapped.length / 2)
    expect(new Set(wrapped.map((signal) => signal.caller_type)).size).toBeGreaterThanOrEqual(3)
    await seedDemo([intakeModule], context)
    expect(
      await database.db
        .selectFrom('intake_signal')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: 26 })
  })
})
