import { DirectoryFileError } from './file-error.ts'

/**
 * The columns of the RPPS extract (PS_LibreAcces_Personne_activite), found by header name: their
 * set and order changed over the years (48, 52, 56 columns) and so did some spellings
 * (`Libellé civilité exercice` / `Libellé civilité d'exercice`).
 */

const FILLER_WORDS = new Set(['d', 'de', 'du', 'la', 'le', 'l', 'des'])

/** `Libellé civilité d'exercice` and `Libellé civilité exercice` both give `libelle civilite exercice`. */
export function normalizeHeader(label: string): string {
  return label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .split(' ')
    .filter((word) => word !== '' && !FILLER_WORDS.has(word))
    .join(' ')
}

/** Each column the reader uses, by its usual French label; `true` when required. */
export const RPPS_COLUMNS = {
  idType: ["Type d'identifiant PP", true],
  rpps: ['Identifiant PP', true],
  nationalId: ['Identification nationale PP', true],
  practiceCivilityCode: ["Code civilité d'exercice", false],
  practiceCivilityLabel: ["Libellé civilité d'exercice", false],
  civilityCode: ['Code civilité', false],
  civilityLabel: ['Libellé civilité', false],
  lastName: ["Nom d'exercice", true],
  firstName: ["Prénom d'exercice", true],
  professionCode: ['Code profession', true],
  professionLabel: ['Libellé profession', true],
  categoryCode: ['Code catégorie professionnelle', false],
  modeCode: ['Code mode exercice', false],
  modeLabel: ['Libellé mode exercice', false],
  siret: ['Numéro SIRET site', false],
  siren: ['Numéro SIREN site', false],
  finess: ['Numéro FINESS site', false],
  finessLegal: ['Numéro FINESS établissement juridique', false],
  structureTechnicalId: ['Identifiant technique de la structure', false],
  structureName: ['Raison sociale site', false],
  brandName: ['Enseigne commerciale site', false],
  geoComplement: ['Complément point géographique (coord. structure)', false],
  streetNumber: ['Numéro Voie (coord. structure)', false],
  repetitionIndex: ['Indice répétition voie (coord. structure)', false],
  streetType: ['Libellé type de voie (coord. structure)', false],
  street: ['Libellé Voie (coord. structure)', false],
  distribution: ['Mention distribution (coord. structure)', false],
  cedexOffice: ['Bureau cedex (coord. structure)', false],
  postalCode: ['Code postal (coord. structure)', false],
  cityCode: ['Code commune (coord. structure)', false],
  city: ['Libellé commune (coord. structure)', false],
  phone: ['Téléphone (coord. structure)', false],
  phone2: ['Téléphone 2 (coord. structure)', false],
  email: ['Adresse e-mail (coord. structure)', false],
  departmentCode: ['Code Département (structure)', false],
  departmentLabel: ['Libellé Département (structure)', false],
} as const satisfies Record<string, readonly [string, boolean]>

export type RppsColumn = keyof typeof RPPS_COLUMNS

export interface RppsLayout {
  /** Fields per line, the trailing empty one excluded. */
  fieldCount: number
  /** Position of each column, -1 when the file lacks it. */
  index: Record<RppsColumn, number>
}

/** Locates the columns in a header line; throws, naming them, when required columns are missing. */
export function resolveRppsLayout(headerLine: string): RppsLayout {
  const labels = headerLine.split('|')
  if (labels.length > 1 && labels[labels.length - 1]!.trim() === '') labels.pop()
  const positions = new Map<string, number>()
  labels.forEach((label, position) => {
    const key = normalizeHeader(label)
    if (!positions.has(key)) positions.set(key, position)
  })
  const index = {} as Record<RppsColumn, number>
  const missing: string[] = []
  for (const [column, [label, required]] of Object.entries(RPPS_COLUMNS) as [
    RppsColumn,
    readonly [string, boolean],
  ][]) {
    index[column] = positions.get(normalizeHeader(label)) ?? -1
    if (required && index[column] === -1) missing.push(`"${label}"`)
  }
  if (missing.length > 0) {
    throw new DirectoryFileError(`RPPS file header lacks required column(s): ${missing.join(', ')}`)
  }
  return { fieldCount: labels.length, index }
}
