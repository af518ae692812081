import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseDetail } from '../../../common/contracts/cases.ts'
import type { ReferralView } from '../../../common/contracts/referrals.ts'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { providerBundle, taxonomyBundle } from '../../../test/support/directory.ts'
import { buildStaff, type SessionFixture, sessionFor } from '../../../test/support/factories.ts'
import { saveBundle } from '../../directory/directory.service.ts'
import { buildSignal, testAudit } from '../cases.factories.ts'

let t: TestApp
const staff: Record<string, { id: string; session: SessionFixture }> = {}
const shelter = providerBundle({
  province: 'NS',
  city: 'Halifax',
  name: { en: 'Harbourside Women’s Shelter', fr: 'Refuge pour femmes Harbourside' },
  serviceName: { en: 'Emergency beds', fr: 'Lits d’urgence' },
  serviceTypes: ['housing-emergency'],
})

beforeAll(async () => {
  t = await buildTestApp()
  for (const role of ['advocate', 'supervisor'] as const) {
    const member = await buildStaff(t, { role })
    staff[role] = { id: member.id, session: await sessionFor(t, member) }
  }
  await saveBundle(t.database, taxonomyBundle(), testAudit, { mode: 'summary' })
  await saveBundle(t.database, shelter, testAudit)
})
afterAll(() => t?.close())

async function call<T>(who: string, method: 'GET' | 'POST', url: string, payload?: unknown, status = 200) {
  const response = await t.app.inject({
    method,
    url,
    headers: staff[who]!.session.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })
  expect(response.statusCode, response.body).toBe(status)
  return response.json() as T
}

/** A case with two needs: one referred with consent to share some fields, one referred without. */
async function referredCase() {
  const signalId = await buildSignal(t.database, { advocateId: staff.advocate!.id, status: 'ended' })
  const opened = await call<CaseDetail>('advocate', 'POST', '/api/cases', { signalId }, 201)
  const need = (kind: string) =>
    call<{ id: string }>('advocate', 'POST', `/api/cases/${opened.id}/needs`, { kind }, 201)
  const housing = await need('housing-emergency')
  const counselling = await need('counselling')
  const consented = await call<ReferralView>(
    'advocate',
    'POST',
    `/api/cases/${opened.id}/referrals`,
    {
      needId: housing.id,
      serviceId: shelter.ids.service,
      consent: { given: true, fields: ['alias', 'handoffNote'] },
      alias: 'Maya',
      handoffNote: 'Intake worker Sam expects her tonight.',
    },
    201,
  )
  await call('advocate', 'POST', `/api/cases/${opened.id}/referrals/${consented.id}/outcome`, {
    status: 'accepted',
    note: 'A bed is held until 10 p.m.',
  })
  const refused = await call<ReferralView>(
    'advocate',
    'POST',
    `/api/cases/${opened.id}/referrals`,
    { needId: counselling.id, serviceId: shelter.ids.service, consent: { given: false } },
    201,
  )
  return { opened, consented, refused, housingId: housing.id, counsellingId: counselling.id }
}

describe('referrals in the case export', () => {
  it('exports each referral with its consent, its sealed alias, handoff note and outcome notes opened, and its history', async () => {
    const { opened, consented, refused, housingId, counsellingId } = await referredCase()
    const document = await call<Record<string, unknown>>(
      'supervisor',
      'GET',
      `/api/cases/${opened.id}/export`,
    )
    expect(document.referrals).toEqual([
      expect.objectContaining({
        ref_Id: consented.id,
        ref_NeedId: housingId,
        ref_NeedKind: 'housing-emergency',
        ref_ServiceId: shelter.ids.service,
        ref_ServiceName: { en: 'Emergency beds', fr: 'Lits d’urgence' },
        ref_OrganizationName: { en: 'Harbourside Women’s Shelter', fr: 'Refuge pour femmes Harbourside' },
        ref_ConsentGiven: true,
        ref_SharedFields: ['alias', 'handoffNote'],
        ref_Alias: 'Maya',
        ref_HandoffNote: 'Intake worker Sam expects her tonight.',
        ref_Status: 'accepted',
        ref_History: [
          expect.objectContaining({ ref_Status: 'pending', ref_Note: null }),
          expect.objectContaining({ ref_Status: 'accepted', ref_Note: 'A bed is held until 10 p.m.' }),
        ],
      }),
      expect.objectContaining({
        ref_Id: refused.id,
        ref_NeedId: counsellingId,
        ref_ConsentGiven: false,
        ref_SharedFields: [],
        ref_Alias: null,
        ref_HandoffNote: null,
        ref_Status: 'pending',
        ref_PersonEmailStatus: 'not_requested',
        ref_PersonEmailTo: null,
        ref_PersonEmailSentAt: null,
      }),
    ])
    // The sealed values are opened for the export only: the table holds ciphertext.
    const stored = await t.database.db
      .selectFrom('case_referral')
      .select(['alias_sealed', 'handoff_note_sealed'])
      .where('id', '=', consented.id)
      .executeTakeFirstOrThrow()
    expect(JSON.stringify(stored)).not.toMatch(/Maya|Sam expects/)
  })

  it('exports an empty list for a case without referrals, beside the rest of the case', async () => {
    const signalId = await buildSignal(t.database, { advocateId: staff.advocate!.id, status: 'ended' })
    const opened = await call<CaseDetail>('advocate', 'POST', '/api/cases', { signalId }, 201)
    const document = await call<Record<string, unknown>>(
      'supervisor',
      'GET',
      `/api/cases/${opened.id}/export`,
    )
    expect(document).toMatchObject({ htcdsVersion: '2.0', referrals: [] })
  })
})
