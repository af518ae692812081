import type { RelaisModule } from '../modules.ts'
import { registerSurveyRoutes } from './survey.routes.ts'

/** Status surveys of the directory's providers, by email, with a manager's review. */
export const surveyModule: RelaisModule = {
  name: 'survey',
  registerRoutes: registerSurveyRoutes,
}
