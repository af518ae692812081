import { useTranslation } from 'react-i18next'
import { DirectorySearch } from '../../shared/directory/DirectorySearch.tsx'
import { navigate, usePath } from '../router.ts'
import { useConsole } from '../session.tsx'
import { OrganizationPage } from './OrganizationPage.tsx'

/** The directory section: the search, and an organization's page (view, and edit for managers). */
export function DirectoryPage() {
  const { t } = useTranslation('directory')
  const { api, can } = useConsole()
  const path = usePath()
  const match = /^\/directory\/organizations\/([^/]+)$/.exec(path)
  if (match) return <OrganizationPage id={decodeURIComponent(match[1]!)} />
  return (
    <>
      {can('directory.manage') && (
        <p className="page-actions">
          <button
            type="button"
            className="secondary"
            onClick={() => navigate('/directory/organizations/new')}
          >
            {t('organization.new')}
          </button>
        </p>
      )}
      <DirectorySearch
        api={api}
        endpoint="/api/directory/search"
        onOpen={(result) => navigate(`/directory/organizations/${encodeURIComponent(result.organizationId)}`)}
      />
    </>
  )
}
