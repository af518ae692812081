import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import '../shared/base.css'
import './survey.css'
import { startI18n } from '../shared/i18n.ts'
import { SurveyApp } from './SurveyApp.tsx'

// A provider's status survey, reached by the one-time link of an email. Everything stays in memory:
// no cookies, no storage; the token is read from the address and sent only to this server.
const i18n = await startI18n('survey:title')
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <SurveyApp />
    </I18nextProvider>
  </StrictMode>,
)
