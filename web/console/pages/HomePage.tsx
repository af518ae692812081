import { useTranslation } from 'react-i18next'
import { sections } from '../nav.ts'
import { useConsole } from '../session.tsx'

export function HomePage() {
  const { t } = useTranslation('console')
  const { session, can } = useConsole()
  const { user } = session
  const available = sections.filter(
    (section) => section.path !== '/' && (!section.permission || can(section.permission)),
  )
  return (
    <>
      <h1>{t('home.heading', { name: user.displayName })}</h1>
      <p>{t('home.signedInAs', { email: user.email, role: t(`role.${user.role}`) })}</p>
      <p>{available.length > 0 ? t('home.intro') : t('home.nothingYet')}</p>
    </>
  )
}
