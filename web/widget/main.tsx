import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import '../shared/base.css'
import './widget.css'
import { startI18n } from '../shared/i18n.ts'
import { WidgetApp } from './WidgetApp.tsx'

// The chat widget, in a frame on another site's page (see embed.ts) or on its own. Everything stays
// in memory: no cookies, no storage, no request to another host.
const i18n = await startI18n('chat:title')
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <WidgetApp />
    </I18nextProvider>
  </StrictMode>,
)
