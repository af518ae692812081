import type { AuditTables } from '../audit/audit.tables.ts'
import type { CasesTables } from '../cases/cases.tables.ts'
import type { EscalationTables } from '../cases/protocols/escalations.tables.ts'
import type { ReferralTables } from '../cases/referrals/referrals.tables.ts'
import type { DirectoryTables } from '../directory/directory.tables.ts'
import type { IdentityTables } from '../identity/identity.tables.ts'
import type { EmailTables } from '../intake/email/email.tables.ts'
import type { FormTables } from '../intake/form/form.tables.ts'
import type { IntakeTables } from '../intake/intake.tables.ts'
import type { VoiceTables } from '../intake/voice/voice.tables.ts'
import type { SurveyTables } from '../survey/survey.tables.ts'

/** The whole database as Kysely sees it: each module contributes its own tables. */
export interface DB
  extends AuditTables,
    IdentityTables,
    DirectoryTables,
    SurveyTables,
    IntakeTables,
    EmailTables,
    FormTables,
    VoiceTables,
    CasesTables,
    EscalationTables,
    ReferralTables {}
