import type { ComponentType } from 'react'
import type { Permission } from '../../common/permissions.ts'
import { CasesPage } from './cases/CasesPage.tsx'
import { BoardPage } from './intake/BoardPage.tsx'
import { WorkspacePage } from './intake/WorkspacePage.tsx'
import { AuditPage } from './pages/AuditPage.tsx'
import { DirectoryPage } from './pages/DirectoryPage.tsx'
import { HomePage } from './pages/HomePage.tsx'
import { SurveysPage } from './pages/SurveysPage.tsx'
import { UsersPage } from './pages/UsersPage.tsx'
import { VerificationPage } from './pages/VerificationPage.tsx'
import { ReportsPage } from './reports/ReportsPage.tsx'

/**
 * The console's sections. A module adds its screens here with the permission they need; the
 * navigation shows a section only to roles holding it (the server enforces the same permission).
 */
export interface ConsoleSection {
  path: string
  labelKey: string
  permission?: Permission
  Page: ComponentType
}

export const sections: ConsoleSection[] = [
  { path: '/', labelKey: 'nav.home', Page: HomePage },
  {
    path: '/workspace',
    labelKey: 'workspace:nav.workspace',
    permission: 'intake.handle',
    Page: WorkspacePage,
  },
  { path: '/board', labelKey: 'workspace:nav.board', permission: 'intake.supervise', Page: BoardPage },
  { path: '/cases', labelKey: 'case-screens:nav', permission: 'case.read', Page: CasesPage },
  { path: '/directory', labelKey: 'directory:nav.search', permission: 'directory.read', Page: DirectoryPage },
  {
    path: '/verification',
    labelKey: 'directory:nav.verification',
    permission: 'directory.verify',
    Page: VerificationPage,
  },
  { path: '/surveys', labelKey: 'survey:nav', permission: 'survey.manage', Page: SurveysPage },
  { path: '/reports', labelKey: 'reports:console.nav', permission: 'report.read', Page: ReportsPage },
  { path: '/users', labelKey: 'nav.users', permission: 'user.read', Page: UsersPage },
  { path: '/audit', labelKey: 'nav.audit', permission: 'audit.read', Page: AuditPage },
]
