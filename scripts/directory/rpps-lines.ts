import {
  CITIES,
  COMMON_LAST_NAME_COUNT,
  FIRST_NAMES,
  GEO_COMPLEMENTS,
  LAST_NAMES,
  MODES,
  PROFESSIONS,
  STREET_TYPES,
  STREETS,
} from './french-data.ts'
import { createRandom, slug, withLuhnKey } from './random.ts'

export const RPPS_HEADER_56 =
  "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code civilité d'exercice|Libellé civilité d'exercice|Code civilité|Libellé civilité|Nom d'exercice|Prénom d'exercice|Code profession|Libellé profession|Code catégorie professionnelle|Libellé catégorie professionnelle|Code type savoir-faire|Libellé type savoir-faire|Code savoir-faire|Libellé savoir-faire|Code mode exercice|Libellé mode exercice|Numéro SIRET site|Numéro SIREN site|Numéro FINESS site|Numéro FINESS établissement juridique|Identifiant technique de la structure|Raison sociale site|Enseigne commerciale site|Complément destinataire (coord. structure)|Complément point géographique (coord. structure)|Numéro Voie (coord. structure)|Indice répétition voie (coord. structure)|Code type de voie (coord. structure)|Libellé type de voie (coord. structure)|Libellé Voie (coord. structure)|Mention distribution (coord. structure)|Bureau cedex (coord. structure)|Code postal (coord. structure)|Code commune (coord. structure)|Libellé commune (coord. structure)|Code pays (coord. structure)|Libellé pays (coord. structure)|Téléphone (coord. structure)|Téléphone 2 (coord. structure)|Télécopie (coord. structure)|Adresse e-mail (coord. structure)|Code Département (structure)|Libellé Département (structure)|Ancien identifiant de la structure|Autorité d'enregistrement|Code secteur d'activité|Libellé secteur d'activité|Code section tableau pharmaciens|Libellé section tableau pharmaciens|Code rôle|Libellé rôle|Code genre activité|Libellé genre activité"

export type RppsColumnCount = 56 | 52 | 48

/** The header of each variant: 52 lacks rôle and genre activité, 48 also secteur and section, and spells `civilité exercice`. */
export function rppsHeader(columns: RppsColumnCount): string {
  const labels = RPPS_HEADER_56.split('|').slice(0, columns)
  const header = labels.join('|')
  return `${columns === 48 ? header.replaceAll("civilité d'exercice", 'civilité exercice') : header}|`
}

export interface RppsGeneratorOptions {
  /** Data lines, the header excluded. */
  lines: number
  columns?: RppsColumnCount
  seed?: number
  /** Share of bad lines (wrong field count, empty Identifiant PP); 0.001 by default. */
  badLineRatio?: number
}

/** The lines of an RPPS extract, header first, without line terminators. */
export function* generateRppsLines(options: RppsGeneratorOptions): Generator<string> {
  const { lines, columns = 56, seed = 42, badLineRatio = 0.001 } = options
  const random = createRandom(seed)
  const firstSlugs = { M: FIRST_NAMES.M.map(slug), MME: FIRST_NAMES.MME.map(slug) }
  const lastUpper = LAST_NAMES.map((name) => name.toUpperCase())
  const lastSlugs = LAST_NAMES.map(slug)
  // An affine walk over [0, 2e9) with a step prime to 2e9 never repeats: RPPS numbers stay unique.
  const offset = random.int(2_000_000_000)
  yield rppsHeader(columns)

  let written = 0
  for (let person = 0; written < lines; person++) {
    const rpps = withLuhnKey(String(1_000_000_000 + ((offset + person * 7919) % 2_000_000_000)))
    const civility = random.chance(0.55) ? 'MME' : 'M'
    const firstIndex = random.int(FIRST_NAMES[civility].length)
    // A third of the persons bear one of the common names (about 1% each), the others one of the tail.
    const lastIndex = random.chance(1 / 3)
      ? random.int(COMMON_LAST_NAME_COUNT)
      : COMMON_LAST_NAME_COUNT + random.int(LAST_NAMES.length - COMMON_LAST_NAME_COUNT)
    const profession = random.pick(PROFESSIONS)
    const doctor = profession.practiceCivility && random.chance(0.8)
    const skill = profession.skills.length > 0 ? random.pick(profession.skills) : undefined
    const activities = Math.min(1 + random.int(3), lines - written)
    for (let activity = 0; activity < activities; activity++, written++) {
      const [modeCode, modeLabel] = random.pick(MODES)
      const city = random.pick(CITIES)
      const [streetCode, streetType] = random.pick(STREET_TYPES)
      const salaried = modeCode === 'S'
      const pharmacist = profession.code === '21'
      const siren = salaried || random.chance(0.5) ? withLuhnKey(random.digits(8)) : ''
      const finessBody = `${city.finessDepartment}${random.digits(6)}`
      const finess = salaried ? withLuhnKey(finessBody) : ''
      const cedex = random.chance(0.01)
      const email = random.chance(0.2)
        ? `${firstSlugs[civility][firstIndex]}.${lastSlugs[lastIndex]}@cabinet-${slug(city.name)}.fr`
        : ''
      const row = [
        '8',
        rpps,
        `8${rpps}`,
        doctor ? 'DR' : '',
        doctor ? 'Docteur' : '',
        civility,
        civility === 'M' ? 'Monsieur' : 'Madame',
        lastUpper[lastIndex]!,
        FIRST_NAMES[civility][firstIndex]!,
        profession.code,
        profession.label,
        'C',
        'Civil',
        skill ? 'S' : '',
        skill ? 'Spécialité ordinale' : '',
        skill?.[0] ?? '',
        skill?.[1] ?? '',
        modeCode,
        modeLabel,
        siren === '' ? '' : withLuhnKey(`${siren}${random.digits(4)}`),
        siren,
        finess,
        salaried ? withLuhnKey(`${city.finessDepartment}${random.digits(6)}`) : '',
        salaried ? `F${finess}` : `R1${random.digits(13)}`,
        salaried ? `CENTRE HOSPITALIER DE ${city.name.toUpperCase()}` : `CABINET ${lastUpper[lastIndex]}`,
        random.chance(0.1) ? 'Maison de santé des Tilleuls' : '',
        '',
        random.chance(0.15) ? random.pick(GEO_COMPLEMENTS) : '',
        String(1 + random.int(180)),
        random.chance(0.05) ? 'B' : '',
        streetCode,
        streetType,
        random.pick(STREETS),
        random.chance(0.05) ? `BP ${random.int(900) + 10}` : '',
        cedex ? `${city.postalCode} ${city.name.toUpperCase()} CEDEX` : '',
        city.postalCode,
        city.inseeCode,
        cedex ? '' : city.name,
        '',
        '',
        phone(random),
        random.chance(0.1) ? phone(random) : '',
        random.chance(0.2) ? phone(random) : '',
        email,
        city.department,
        city.departmentLabel,
        '',
        `${profession.authority}/${profession.authority}/${profession.authority}`,
        salaried ? 'SA01' : 'SA07',
        salaried ? 'Etablissement public de santé' : 'Cabinet individuel',
        pharmacist ? (salaried ? 'H' : 'A') : '',
        pharmacist
          ? salaried
            ? 'Pharmaciens des établissements de santé'
            : "Pharmaciens titulaires d'officine"
          : '',
        salaried ? 'FON-05' : 'FON-01',
        salaried ? 'Salarié' : 'Titulaire de cabinet',
        'GENR01',
        'Activité standard',
      ]
      row.length = columns
      if (random.chance(badLineRatio)) {
        // Half lose a field, half lose their identifier: both are rejections for the reader.
        if (random.chance(0.5)) row.splice(10, 1)
        else row[1] = ''
      }
      yield `${row.join('|')}|`
    }
  }
}

function phone(random: ReturnType<typeof createRandom>): string {
  return `0${1 + random.int(5)}${random.digits(8)}`
}
