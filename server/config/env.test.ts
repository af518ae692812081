import { describe, expect, it } from 'vitest'
import { EnvError, loadEnv } from './env.ts'

describe('loadEnv', () => {
  it('applies documented defaults', () => {
    const env = loadEnv({})
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      NODE_ENV: 'development',
      RELAIS_SESSION_IDLE_MINUTES: 30,
      RELAIS_TIME_ZONE: 'America/Toronto',
    })
    expect(env.dataDir).toMatch(/\/data$/)
  })

  it('names every invalid variable', () => {
    let error: unknown
    try {
      loadEnv({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        RELAIS_SESSION_IDLE_MINUTES: '0',
        RELAIS_TIME_ZONE: 'Mars/Olympus_Mons',
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(EnvError)
    const problems = (error as EnvError).problems.join('\n')
    expect(problems).toContain('PORT')
    expect(problems).toContain('DATABASE_URL')
    expect(problems).toContain('RELAIS_SESSION_IDLE_MINUTES')
    expect(problems).toContain('RELAIS_TIME_ZONE')
    expect(loadEnv({ RELAIS_TIME_ZONE: 'America/Halifax' }).RELAIS_TIME_ZONE).toBe('America/Halifax')
  })

  it('refuses demo accounts and a missing encryption key in production', () => {
    expect(() => loadEnv({ NODE_ENV: 'production', RELAIS_DEMO: 'true' })).toThrow(/RELAIS_DEMO/)
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/RELAIS_ENCRYPTION_KEY/)
    const key = Buffer.alloc(32, 7).toString('base64')
    expect(loadEnv({ NODE_ENV: 'production', RELAIS_ENCRYPTION_KEY: key }).NODE_ENV).toBe('production')
  })
})
