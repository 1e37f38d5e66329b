// Starts GOV.UK Frontend components, then this service's own progressive enhancements.
import { initAll } from '../govuk/govuk-frontend.min.js'
import { initJobProgress } from './jobs.js'

initAll()
initJobProgress(document)
