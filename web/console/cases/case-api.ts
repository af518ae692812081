import { useCallback, useEffect, useState } from 'react'
import type { CaseScreen } from '../../../common/contracts/case-screen.ts'
import type { CaseDetail } from '../../../common/contracts/cases.ts'
import type { EscalationView } from '../../../common/contracts/escalations.ts'
import type { ReferralView } from '../../../common/contracts/referrals.ts'
import { ApiError } from '../../shared/api.ts'
import { useConsole } from '../session.tsx'

export type { CaseDetail }
export type Person = CaseDetail['people'][number]
export type Exploiter = CaseDetail['exploiters'][number]
export type Need = CaseDetail['needs'][number]
export type { ReferralView }

/** What the escalations API answers for a case's evaluation (the contract's response shape). */
export interface Evaluation {
  protocol: { id: string; version: number; effectiveFrom: string; name: string } | null
  kinds: {
    kind: EscalationView['kind']
    verdict: 'required' | 'possibly_required' | 'allowed' | 'refused' | 'not_applicable'
    reasons: { code: string; personId: string | null; message: string }[]
    personIds: string[]
    steps: { id: string; action: string; label: string; help: string | null }[]
    supervisorReview: boolean
  }[]
  closeBlockers: { kind: EscalationView['kind']; code: string; personIds: string[] }[]
}

export interface CaseAgency {
  organizationId: string
  name: string
  kind: string
  emergencyPhone: string | null
}

/**
 * The case screen opens with one request (`/screen`: the case, its escalations, their verdicts and
 * its referrals). Everything it changes goes through `change`: one request, the case as the server
 * now has it (every write answers with the whole case), and the escalations read again in the
 * background, since the protocol's verdicts follow the case's facts (an age, a province). A referral
 * change reads the screen again: it moves its need's status.
 */
export function useCase(caseId: string) {
  const { api } = useConsole()
  const [detail, setDetail] = useState<CaseDetail | null>(null)
  const [escalations, setEscalations] = useState<EscalationView[]>([])
  const [evaluation, setEvaluation] = useState<Evaluation | null>(null)
  const [referrals, setReferrals] = useState<ReferralView[]>([])
  const [loadError, setLoadError] = useState<ApiError | null>(null)

  const refreshEscalations = useCallback(async () => {
    const [list, evaluated] = await Promise.all([
      api.get<{ escalations: EscalationView[] }>(`/api/cases/${caseId}/escalations`),
      api.get<Evaluation>(`/api/cases/${caseId}/escalations/evaluation`),
    ])
    setEscalations(list.escalations)
    setEvaluation(evaluated)
  }, [api, caseId])

  /** The whole screen at once: the case, its escalations, their verdicts and its referrals. */
  const showScreen = useCallback((screen: CaseScreen) => {
    setDetail(screen.case)
    setEscalations(screen.escalations)
    setEvaluation(screen.evaluation)
    setReferrals(screen.referrals)
  }, [])

  useEffect(() => {
    let cancelled = false
    setDetail(null)
    setLoadError(null)
    api.get<CaseScreen>(`/api/cases/${caseId}/screen`).then(
      (screen) => {
        if (!cancelled) showScreen(screen)
      },
      (caught) => {
        if (!cancelled) setLoadError(caught instanceof ApiError ? caught : null)
      },
    )
    return () => {
      cancelled = true
    }
  }, [api, caseId, showScreen])

  /** Sends one change; the answer (the whole case, or `{ case }` for an addition) replaces it. */
  const change = useCallback(
    async (method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => {
      const answer = await api.send<CaseDetail | { id: string; case: CaseDetail }>(
        method,
        `/api/cases/${caseId}${path}`,
        body,
      )
      setDetail('case' in answer ? answer.case : answer)
      void refreshEscalations().catch(() => {})
      return answer
    },
    [api, caseId, refreshEscalations],
  )

  /** An escalation change: its own answer, then the list and the verdicts read again. */
  const escalate = useCallback(
    async (path: string, body: unknown) => {
      await api.send('POST', `/api/cases/${caseId}/escalations${path}`, body)
      await refreshEscalations()
    },
    [api, caseId, refreshEscalations],
  )

  /** A referral change: its own answer, then the screen read again (the referral moves its need). */
  const refer = useCallback(
    async (path: string, body: unknown) => {
      const answer = await api.send<ReferralView>('POST', `/api/cases/${caseId}/referrals${path}`, body)
      showScreen(await api.get<CaseScreen>(`/api/cases/${caseId}/screen`))
      return answer
    },
    [api, caseId, showScreen],
  )

  return { detail, loadError, escalations, evaluation, referrals, change, escalate, refer }
}

/** People are never named in a case: they are numbered, with their role when known. */
export function personLabel(
  people: CaseDetail['people'],
  personId: string,
  t: (key: string, values?: Record<string, unknown>) => string,
): string {
  const index = people.findIndex((person) => person.id === personId)
  const person = people[index]
  if (!person) return t('case-screens:people.unknownPerson')
  const number = t('case-screens:people.numbered', { number: index + 1 })
  return person.role.state === 'given' ? `${number} · ${t(`cases:personRole.${person.role.value}`)}` : number
}
