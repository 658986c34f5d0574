import { checkIdentifier } from '../identifiers/rules.ts'

/** A practice site of the claims' `activities`, in the directory's terms. */
export interface PscSite {
  name: string
  finess: string | null
  siret: string | null
  address: string | null
  postalCode: string | null
  city: string | null
}

/** Who Pro Santé Connect says the person is. `nationalId` is the business key, never PSC's `sub`. */
export interface PscIdentity {
  /** `SubjectNameID`: `8` + RPPS for RPPS holders. */
  nationalId: string
  /** The RPPS inside the national identifier, when it is one (valid check digit). */
  rpps: string | null
  civility: 'M' | 'MME' | null
  practiceCivility: 'DR' | 'PR' | null
  firstName: string
  lastName: string
  /** The national profession code of the first practice (`10` médecin), as PSC gives it. */
  profession: string | null
  sites: PscSite[]
}

type Claims = Record<string, unknown>

const MAX_SITES = 20
// PSC's street types (`codeTypeDeVoie`), the common ones; others are left out of the address.
const STREET_TYPES: Record<string, string> = {
  R: 'rue',
  AV: 'avenue',
  BD: 'boulevard',
  PL: 'place',
  CHE: 'chemin',
  IMP: 'impasse',
  ALL: 'allée',
  RTE: 'route',
  QU: 'quai',
  CRS: 'cours',
}

/** A claim as one line of text: controls become spaces, runs of spaces one; empty is null. */
function text(value: unknown, maxLength = 200): string | null {
  if (typeof value !== 'string') return null
  const cleaned = value
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return cleaned ? cleaned.slice(0, maxLength) : null
}

const objects = (value: unknown): Claims[] =>
  Array.isArray(value)
    ? value.filter((item): item is Claims => typeof item === 'object' && item !== null)
    : []

function validOrNull(type: 'finess' | 'siret', value: string | null): string | null {
  const check = value ? checkIdentifier(type, value) : undefined
  return check?.valid ? check.normalized : null
}

function siteOf(activity: Claims): PscSite | null {
  const finess = validOrNull('finess', text(activity.numeroFinessSite))
  const siret = validOrNull('siret', text(activity.numeroSiretSite))
  const name = text(activity.raisonSocialeSite) ?? text(activity.enseigneCommercialeSite)
  if (!name && !finess && !siret) return null
  const streetType = STREET_TYPES[text(activity.codeTypeDeVoie) ?? '']
  const street = [activity.numeroVoie, activity.indiceRepetitionVoie, streetType, activity.libelleVoie]
    .map((part) => text(part))
    .filter(Boolean)
    .join(' ')
  const postalCode = text(activity.codePostal)
  // `bureauCedex` is "81000 ALBI": the city after the postal code.
  const city = text(activity.libelleCommune) ?? text(text(activity.bureauCedex)?.replace(/^[0-9]{5} ?/, ''))
  return {
    name: name ?? finess ?? siret ?? '',
    finess,
    siret,
    address: street || null,
    postalCode: postalCode && /^[0-9]{5}$/.test(postalCode) ? postalCode : null,
    city,
  }
}

const civilityOf = (value: string | null): PscIdentity['civility'] =>
  value === 'M' ? 'M' : value === 'MME' || value === 'MLLE' ? 'MME' : null

const practiceCivilityOf = (value: string | null): PscIdentity['practiceCivility'] =>
  value === 'DR' || value === 'PR' ? value : null

/**
 * Reads PSC's userinfo claims. Answers null when the national identifier or a name is missing: without
 * them nobody can be recognised or registered. Everything else is optional and kept only when valid.
 */
export function identityFromClaims(
  claims: Claims,
  options: { acceptAnyRppsCheckDigit: boolean },
): PscIdentity | null {
  const nationalId = text(claims.SubjectNameID, 40)
  const firstName = text(claims.given_name, 100)
  const lastName = text(claims.family_name, 100)
  if (!nationalId || !firstName || !lastName) return null
  const candidate = /^8([0-9]{11})$/.exec(nationalId)?.[1]
  const rpps = candidate && checkIdentifier('rpps', candidate, options).valid ? candidate : null
  const refPro = (typeof claims.SubjectRefPro === 'object' && claims.SubjectRefPro) as Claims | false
  const practice = refPro ? objects(refPro.exercices)[0] : undefined
  const profession = text(practice?.codeProfession)
  const sites = objects(practice?.activities)
    .map(siteOf)
    .filter((site): site is PscSite => site !== null)
  return {
    nationalId,
    rpps,
    civility: civilityOf(text(claims.codeCivilite) ?? (refPro ? text(refPro.codeCivilite) : null)),
    practiceCivility: practiceCivilityOf(text(practice?.codeCiviliteDexercice)),
    firstName,
    lastName,
    profession: profession && /^[0-9]{2}$/.test(profession) ? profession : null,
    sites: sites.slice(0, MAX_SITES),
  }
}
