import { labEventPublisher } from '../lab-events/publish.ts'
import { accountSummaries } from './fragments.ts'

/**
 * The lab events, as accounts/ and access/ publish them: over the accounts as this area shows them,
 * since lab-events/ cannot import accounts/ to read the person an event is about.
 */
export const { emitLabEvent, announceActivation } = labEventPublisher(accountSummaries)
