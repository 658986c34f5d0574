import { AppError } from '../shared/errors.ts'

/**
 * Operations that could turn a stolen access token into a lasting takeover (addresses, password, second
 * factor, delegations) need a re-authentication of less than 10 minutes: `POST /v1/auth/step-up`.
 */
export const STEP_UP_MAX_AGE_SECONDS = 600

/** Refuses a token whose authentication (`auth_time`) is older than 10 minutes (RFC 9470's challenge). */
export function requireRecentAuthentication(principal: { auth_time: number }, now: Date): void {
  if (now.getTime() / 1000 - principal.auth_time <= STEP_UP_MAX_AGE_SECONDS) return
  throw new AppError(
    401,
    'step_up_required',
    'Confirm it is you: re-authenticate with POST /v1/auth/step-up (password and a code), or sign in again with Pro Santé Connect, then retry with the new access token.',
    {
      headers: {
        'www-authenticate': `Bearer error="insufficient_user_authentication", error_description="A more recent authentication is required", max_age=${STEP_UP_MAX_AGE_SECONDS}`,
      },
    },
  )
}
