import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import '../shared/base.css'
import './console.css'
import { startI18n } from '../shared/i18n.ts'
import { ConsoleApp } from './ConsoleApp.tsx'

const i18n = await startI18n('console:title')
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <ConsoleApp />
    </I18nextProvider>
  </StrictMode>,
)
