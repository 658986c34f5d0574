/**
 * Phone numbers, stored as E.164 so that "06 12 34 56 78" and "+33 6 12 34 56 78" are one number.
 */
// The 'max' metadata holds each country's digit patterns: without it isValid() only checks length.
import { ParseError, parsePhoneNumberWithError } from 'libphonenumber-js/max'

export type PhoneResult = { ok: true; e164: string } | { ok: false; message: string }

/** A phone number as E.164 ('+33612345678'), or a refusal. Accepts national French input ('06 12 34 56 78', '0612345678') by defaulting to FR, and international input ('+32 2 511 22 33'). */
export function normalizePhone(input: string, defaultCountry: 'FR' = 'FR'): PhoneResult {
  if (input.trim() === '') return { ok: false, message: 'Enter a phone number' }
  try {
    // extract: false so that the whole input must be a number, not merely contain one.
    const phone = parsePhoneNumberWithError(input, { defaultCountry, extract: false })
    if (!phone.isValid()) return { ok: false, message: 'This phone number does not exist' }
    return { ok: true, e164: phone.number }
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, message: 'This is not a phone number' }
    throw error
  }
}
