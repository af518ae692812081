import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
    await seedDemo([intakeModule], context)
    expect(
      await database.db
        .selectFrom('intake_signal')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: 26 })
  })
})
