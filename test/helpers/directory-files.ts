import { withLuhnCheckDigit } from '../../src/identifiers/rules.ts'

/** The current (56-column) header of the RPPS extract PS_LibreAcces_Personne_activite. */
export const RPPS_HEADER_56 = [
  "Type d'identifiant PP",
  'Identifiant PP',
  'Identification nationale PP',
  "Code civilité d'exercice",
  "Libellé civilité d'exercice",
  'Code civilité',
  'Libellé civilité',
  "Nom d'exercice",
  "Prénom d'exercice",
  'Code profession',
  'Libellé profession',
  'Code catégorie professionnelle',
  'Libellé catégorie professionnelle',
  'Code type savoir-faire',
  'Libellé type savoir-faire',
  'Code savoir-faire',
  'Libellé savoir-faire',
  'Code mode exercice',
  'Libellé mode exercice',
  'Numéro SIRET site',
  'Numéro SIREN site',
  'Numéro FINESS site',
  'Numéro FINESS établissement juridique',
  'Identifiant technique de la structure',
  'Raison sociale site',
  'Enseigne commerciale site',
  'Complément destinataire (coord. structure)',
  'Complément point géographique (coord. structure)',
  'Numéro Voie (coord. structure)',
  'Indice répétition voie (coord. structure)',
  'Code type de voie (coord. structure)',
  'Libellé type de voie (coord. structure)',
  'Libellé Voie (coord. structure)',
  'Mention distribution (coord. structure)',
  'Bureau cedex (coord. structure)',
  'Code postal (coord. structure)',
  'Code commune (coord. structure)',
  'Libellé commune (coord. structure)',
  'Code pays (coord. structure)',
  'Libellé pays (coord. structure)',
  'Téléphone (coord. structure)',
  'Téléphone 2 (coord. structure)',
  'Télécopie (coord. structure)',
  'Adresse e-mail (coord. structure)',
  'Code Département (structure)',
  'Libellé Département (structure)',
  'Ancien identifiant de la structure',
  "Autorité d'enregistrement",
  "Code secteur d'activité",
  "Libellé secteur d'activité",
  'Code section tableau pharmaciens',
  'Libellé section tableau pharmaciens',
  'Code rôle',
  'Libellé rôle',
  'Code genre activité',
  'Libellé genre activité',
]

export type RppsVariant = 56 | 52 | 48

export function rppsHeader(variant: RppsVariant): string[] {
  const header = RPPS_HEADER_56.slice(0, variant)
  // The oldest extracts spell "civilité exercice", without d'.
  return variant === 48
    ? header.map((label) => label.replace("civilité d'exercice", 'civilité exercice'))
    : header
}

export interface Person {
  rpps: string
  civility: 'M' | 'MME'
  practiceCivility?: 'DR' | 'PR' | ''
  lastName: string
  firstName: string
  profession?: [code: string, label: string]
  activities?: {
    structure: string
    finess?: string
    siret?: string
    postalCode: string
    city: string
    street: string
  }[]
}

export const rppsOf = (body: string) => withLuhnCheckDigit(body)

/** An RPPS extract: one line per person × activity, `|`-separated with a trailing `|`. */
export function rppsFile(variant: RppsVariant, people: Person[], extraLines: string[] = []): string {
  const header = rppsHeader(variant)
  const lines = [`${header.join('|')}|`]
  for (const person of people) {
    for (const activity of person.activities ?? [{ structure: '', postalCode: '', city: '', street: '' }]) {
      const values: Record<string, string> = {
        "Type d'identifiant PP": '8',
        'Identifiant PP': person.rpps,
        'Identification nationale PP': `8${person.rpps}`,
        "Code civilité d'exercice": person.practiceCivility ?? 'DR',
        "Libellé civilité d'exercice": person.practiceCivility === '' ? '' : 'Docteur',
        'Code civilité': person.civility,
        'Libellé civilité': person.civility === 'M' ? 'Monsieur' : 'Madame',
        "Nom d'exercice": person.lastName,
        "Prénom d'exercice": person.firstName,
        'Code profession': person.profession?.[0] ?? '10',
        'Libellé profession': person.profession?.[1] ?? 'Médecin',
        'Code catégorie professionnelle': 'C',
        'Code mode exercice': 'L',
        'Libellé mode exercice': 'Libéral',
        'Numéro SIRET site': activity.siret ?? '',
        'Numéro FINESS site': activity.finess ?? '',
        'Raison sociale site': activity.structure,
        'Numéro Voie (coord. structure)': activity.street ? '12' : '',
        'Libellé type de voie (coord. structure)': activity.street ? 'Rue' : '',
        'Libellé Voie (coord. structure)': activity.street,
        'Code postal (coord. structure)': activity.postalCode,
        'Libellé commune (coord. structure)': activity.city,
        'Code Département (structure)': activity.postalCode.slice(0, 2),
      }
      const row = header.map(
        (label) => values[label.replace('civilité exercice', "civilité d'exercice")] ?? '',
      )
      lines.push(`${row.join('|')}|`)
    }
  }
  return `${[...lines, ...extraLines].join('\n')}\n`
}

export interface Establishment {
  finess: string
  finessLegal: string
  /** rslongue; rs is its first 38 characters unless `shortName` is given. */
  name: string
  shortName?: string
  postalCode: string
  city: string
  department: string
  siret?: string
  /** Coordinates in `system`, the last field of `sourcecoordet` (LAMBERT_93 when not given). */
  geo?: [x: number, y: number, system?: string]
  category?: [code: string, label: string]
}

/** A FINESS etalab extract, in ISO-8859-1: metadata line, `structureet` lines, then `geolocalisation` lines. */
export function finessFile(establishments: Establishment[], extraLines: string[] = []): Buffer {
  const lines = ['finess;etalab;95;2026-11-01']
  for (const e of establishments) {
    lines.push(
      [
        'structureet',
        e.finess,
        e.finessLegal,
        e.shortName ?? e.name.slice(0, 38),
        e.name,
        '',
        '',
        '3',
        'R',
        'DES ÉCOLES',
        '',
        '',
        '004',
        e.department,
        'TARN',
        `${e.postalCode} ${e.city}`,
        '0563000000',
        '',
        e.category?.[0] ?? '620',
        e.category?.[1] ?? 'Pharmacie d’Officine',
        '3301',
        'Pharmacie',
        e.siret ?? '',
        '4773Z',
        '',
        '',
        '',
        '',
        '1990-01-01',
        '1990-01-01',
        '2026-10-01',
        '',
      ].join(';'),
    )
  }
  for (const e of establishments) {
    if (e.geo)
      lines.push(
        [
          'geolocalisation',
          e.finess,
          e.geo[0].toFixed(1),
          e.geo[1].toFixed(1),
          `1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,${e.geo[2] ?? 'LAMBERT_93'}`,
          '2026-10-01',
        ].join(';'),
      )
  }
  return Buffer.from(`${[...lines, ...extraLines].join('\n')}\n`, 'latin1')
}
