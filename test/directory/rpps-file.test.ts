import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import {
  createRppsLineParser,
  isRppsRejection,
  normalizeHeader,
  type RppsActivity,
  readRppsFile,
} from '../../src/directory/rpps-file.ts'

const HEADER_56 =
  "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code civilité d'exercice|Libellé civilité d'exercice|Code civilité|Libellé civilité|Nom d'exercice|Prénom d'exercice|Code profession|Libellé profession|Code catégorie professionnelle|Libellé catégorie professionnelle|Code type savoir-faire|Libellé type savoir-faire|Code savoir-faire|Libellé savoir-faire|Code mode exercice|Libellé mode exercice|Numéro SIRET site|Numéro SIREN site|Numéro FINESS site|Numéro FINESS établissement juridique|Identifiant technique de la structure|Raison sociale site|Enseigne commerciale site|Complément destinataire (coord. structure)|Complément point géographique (coord. structure)|Numéro Voie (coord. structure)|Indice répétition voie (coord. structure)|Code type de voie (coord. structure)|Libellé type de voie (coord. structure)|Libellé Voie (coord. structure)|Mention distribution (coord. structure)|Bureau cedex (coord. structure)|Code postal (coord. structure)|Code commune (coord. structure)|Libellé commune (coord. structure)|Code pays (coord. structure)|Libellé pays (coord. structure)|Téléphone (coord. structure)|Téléphone 2 (coord. structure)|Télécopie (coord. structure)|Adresse e-mail (coord. structure)|Code Département (structure)|Libellé Département (structure)|Ancien identifiant de la structure|Autorité d'enregistrement|Code secteur d'activité|Libellé secteur d'activité|Code section tableau pharmaciens|Libellé section tableau pharmaciens|Code rôle|Libellé rôle|Code genre activité|Libellé genre activité".split(
    '|',
  )

type Variant = 56 | 52 | 48

function header(variant: Variant): string {
  const labels = HEADER_56.slice(0, variant).join('|')
  // The oldest extracts spell "civilité exercice", without d'.
  return `${variant === 48 ? labels.replaceAll("civilité d'exercice", 'civilité exercice') : labels}|`
}

/** A data line, values given by their 56-column label. */
function line(values: Record<string, string>, variant: Variant = 56): string {
  return `${HEADER_56.slice(0, variant)
    .map((label) => values[label] ?? '')
    .join('|')}|`
}

const HELENE = {
  "Type d'identifiant PP": '8',
  'Identifiant PP': '10001234567',
  'Identification nationale PP': '810001234567',
  "Code civilité d'exercice": 'DR',
  "Libellé civilité d'exercice": 'Docteur',
  'Code civilité': 'MME',
  'Libellé civilité': 'Madame',
  "Nom d'exercice": "LÉVÊQUE-N'DIAYE",
  "Prénom d'exercice": 'Hélène',
  'Code profession': '10',
  'Libellé profession': 'Médecin',
  'Code catégorie professionnelle': 'C',
  'Code mode exercice': 'L',
  'Libellé mode exercice': 'Libéral',
  'Numéro SIRET site': '73282932000074',
  'Numéro SIREN site': '732829320',
  'Identifiant technique de la structure': 'R10000000123456',
  'Raison sociale site': 'CABINET DU DR LÉVÊQUE',
  'Enseigne commerciale site': 'Maison de santé',
  'Complément point géographique (coord. structure)': 'Bâtiment B',
  'Numéro Voie (coord. structure)': '12',
  'Indice répétition voie (coord. structure)': 'B',
  'Code type de voie (coord. structure)': 'R',
  'Libellé type de voie (coord. structure)': 'Rue',
  'Libellé Voie (coord. structure)': "de l'Église",
  'Mention distribution (coord. structure)': 'BP 12',
  'Code postal (coord. structure)': '67600',
  'Code commune (coord. structure)': '67462',
  'Libellé commune (coord. structure)': 'Sélestat',
  'Téléphone (coord. structure)': '0388000000',
  'Adresse e-mail (coord. structure)': 'helene.leveque@example.fr',
  'Code Département (structure)': '67',
  'Libellé Département (structure)': 'Bas-Rhin',
  "Code secteur d'activité": 'SA07',
  'Code rôle': 'FON-01',
}

const HELENE_RECORD: RppsActivity = {
  line: 2,
  idType: '8',
  rpps: '10001234567',
  nationalId: '810001234567',
  civilityCode: 'MME',
  civilityLabel: 'Madame',
  practiceCivilityCode: 'DR',
  practiceCivilityLabel: 'Docteur',
  lastName: "LÉVÊQUE-N'DIAYE",
  firstName: 'Hélène',
  professionCode: '10',
  professionLabel: 'Médecin',
  categoryCode: 'C',
  modeCode: 'L',
  modeLabel: 'Libéral',
  siret: '73282932000074',
  siren: '732829320',
  finess: '',
  finessLegal: '',
  structureTechnicalId: 'R10000000123456',
  structureName: 'CABINET DU DR LÉVÊQUE',
  brandName: 'Maison de santé',
  address: "12 B Rue de l'Église, Bâtiment B, BP 12",
  postalCode: '67600',
  cityCode: '67462',
  city: 'Sélestat',
  departmentCode: '67',
  departmentLabel: 'Bas-Rhin',
  phone: '0388000000',
  email: 'helene.leveque@example.fr',
}

async function read(text: string | Buffer[]) {
  const records = []
  for await (const record of readRppsFile(Readable.from(typeof text === 'string' ? [text] : text))) {
    records.push(record)
  }
  return records
}

describe('RPPS header normalisation', () => {
  it.each([
    ["Libellé civilité d'exercice", 'libelle civilite exercice'],
    ['Libellé civilité exercice', 'libelle civilite exercice'],
    ['Code civilité d’exercice', 'code civilite exercice'],
    ['Identifiant technique de la structure', 'identifiant technique structure'],
    ['Code type de voie (coord. structure)', 'code type voie coord structure'],
    ['Adresse e-mail (coord. structure)', 'adresse e mail coord structure'],
    ['  Numéro  FINESS site ', 'numero finess site'],
  ])('%s → %s', (label, key) => {
    expect(normalizeHeader(label)).toBe(key)
  })
})

describe('reading an RPPS extract', () => {
  it.each([56, 52, 48] as const)('reads the %i-column layout by header name', async (variant) => {
    const records = await read(`${header(variant)}\n${line(HELENE, variant)}\n`)
    expect(records).toEqual([HELENE_RECORD])
  })

  it('gives one record per activity line of a person, in file order', async () => {
    const text = [
      header(56),
      line(HELENE),
      line({
        ...HELENE,
        'Libellé commune (coord. structure)': '',
        'Bureau cedex (coord. structure)': '67601 SELESTAT CEDEX',
      }),
      line({
        ...HELENE,
        'Code mode exercice': 'S',
        'Numéro FINESS site': '670780337',
        'Numéro Voie (coord. structure)': '',
        'Indice répétition voie (coord. structure)': '',
        'Complément point géographique (coord. structure)': '',
        'Mention distribution (coord. structure)': '',
        'Téléphone (coord. structure)': '',
        'Téléphone 2 (coord. structure)': '0388111111',
      }),
    ].join('\n')
    const records = (await read(text)) as RppsActivity[]
    expect(records.map((r) => [r.line, r.rpps, r.modeCode])).toEqual([
      [2, '10001234567', 'L'],
      [3, '10001234567', 'L'],
      [4, '10001234567', 'S'],
    ])
    expect(records[1]!.city).toBe('67601 SELESTAT CEDEX')
    expect(records[2]).toMatchObject({ address: "Rue de l'Église", finess: '670780337', phone: '0388111111' })
  })

  it('rejects bad lines with their line number and reason, and goes on', async () => {
    const short = line(HELENE).replace('|Médecin|', '|')
    const text = [
      header(56),
      line(HELENE),
      short,
      '',
      line({ ...HELENE, 'Identifiant PP': '' }),
      line(HELENE),
    ]
    const records = await read(`${text.join('\n')}\n`)
    expect(records.filter(isRppsRejection)).toEqual([
      { line: 3, reason: 'expected 56 fields, found 55' },
      { line: 5, reason: 'Identifiant PP is empty' },
    ])
    expect(records.filter((r) => !isRppsRejection(r)).map((r) => r.line)).toEqual([2, 6])
  })

  it('refuses a file lacking required columns, naming them', async () => {
    const labels = HEADER_56.filter((label) => label !== 'Identifiant PP' && label !== "Nom d'exercice")
    await expect(read(`${labels.join('|')}|\n`)).rejects.toThrow(
      `RPPS file header lacks required column(s): "Identifiant PP", "Nom d'exercice"`,
    )
    await expect(read('')).rejects.toThrow('no header line')
  })

  it('accepts CRLF line ends and a byte order mark', async () => {
    const records = await read(`\uFEFF${header(52)}\r\n${line(HELENE, 52)}\r\n`)
    expect(records).toEqual([HELENE_RECORD])
  })

  it('decodes characters split across chunks', async () => {
    const bytes = Buffer.from(`${header(56)}\n${line(HELENE)}`)
    const chunks = []
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7))
    expect(await read(chunks)).toEqual([HELENE_RECORD])
  })

  it('parses single lines with a parser made from the header', () => {
    const parse = createRppsLineParser(header(48))
    expect(parse(line(HELENE, 48), 2)).toEqual(HELENE_RECORD)
    expect(parse('8|1|', 9)).toEqual({ line: 9, reason: 'expected 48 fields, found 2' })
  })
})
