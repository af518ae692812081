import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import '../shared/base.css'
import './portal.css'
import { startI18n } from '../shared/i18n.ts'
import { PortalApp } from './PortalApp.tsx'

// The portal keeps everything in memory: no cookies, no storage, no request to another host.
const i18n = await startI18n('portal:title')
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <PortalApp />
    </I18nextProvider>
  </StrictMode>,
)
