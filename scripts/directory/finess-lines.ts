import { CITIES, type City, LAST_NAMES, routingName, STREET_TYPES, STREETS } from './french-data.ts'
import { createRandom, type Random, withLuhnKey } from './random.ts'

export interface FinessGeneratorOptions {
  establishments: number
  seed?: number
  /** Share of bad lines (missing field, non-numeric coordinates); 0.001 by default. */
  badLineRatio?: number
  /** Extraction date on the metadata line. */
  date?: string
}

// categetab, libcategetab, categagretab, libcategagretab, codeape, short name, long name (… city).
const CATEGORIES = [
  [
    '355',
    'Centre Hospitalier (C.H.)',
    '1102',
    'Centres Hospitaliers',
    '8610Z',
    'CH',
    'CENTRE HOSPITALIER DE',
  ],
  [
    '620',
    "Pharmacie d'Officine",
    '3301',
    "Pharmacie d'Officine",
    '4773Z',
    'PHARMACIE',
    'PHARMACIE DU MARCHÉ,',
  ],
  [
    '611',
    'Laboratoire de Biologie Médicale',
    '3102',
    'Laboratoires',
    '8690B',
    'LBM',
    'LABORATOIRE DE BIOLOGIE MÉDICALE DE',
  ],
  ['124', 'Centre de Santé', '2203', 'Centres de Santé', '8690D', 'CDS', 'CENTRE DE SANTÉ POLYVALENT DE'],
  [
    '500',
    "Etablissement d'hébergement pour personnes âgées dépendantes",
    '4401',
    'EHPAD',
    '8710A',
    'EHPAD',
    'EHPAD LE CLOS FLEURI,',
  ],
] as const

/**
 * The lines of a FINESS etalab extract, without line terminators: the metadata line, the
 * `structureet` lines, then a `geolocalisation` line for most of them. Geolocations replay the
 * establishments' random sequence rather than keeping their numbers: memory stays constant.
 */
export function* generateFinessLines(options: FinessGeneratorOptions): Generator<string> {
  const { establishments, seed = 42, badLineRatio = 0.001, date = '2026-11-01' } = options
  yield `finess;etalab;95;${date}`
  const random = createRandom(seed)
  for (let i = 0; i < establishments; i++) yield nextEstablishment(random, i, badLineRatio).fields.join(';')
  const replay = createRandom(seed)
  const coordinates = createRandom(seed ^ 0x5f3759df)
  for (let i = 0; i < establishments; i++) {
    const { finess, city } = nextEstablishment(replay, i, badLineRatio)
    if (coordinates.chance(0.02)) continue // some establishments are not geolocated
    const bad = coordinates.chance(badLineRatio)
    const x = bad ? 'NaN' : (city.x + (coordinates.next() - 0.5) * 8000).toFixed(1)
    const y = (city.y + (coordinates.next() - 0.5) * 8000).toFixed(1)
    yield `geolocalisation;${finess};${x};${y};1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,${city.system};${date}`
  }
}

function nextEstablishment(random: Random, index: number, badLineRatio: number) {
  const city = random.pick(CITIES)
  // A step prime to 10⁶ walks all 6-digit numbers before repeating: FINESS numbers stay unique.
  const number = String((123_457 + index * 7919) % 1_000_000).padStart(6, '0')
  const finess = withLuhnKey(`${city.finessDepartment}${number}`)
  const fields = establishmentFields(random, finess, city)
  if (random.chance(badLineRatio)) fields.splice(5, 1)
  return { finess, city, fields }
}

function establishmentFields(random: Random, finess: string, city: City): string[] {
  const [code, label, aggregate, aggregateLabel, ape, short, long] = random.pick(CATEGORIES)
  const routing = routingName(city.name)
  const cedex = random.chance(0.05)
  const upperCity = city.name.toUpperCase()
  const public_ = code === '355'
  // Most private establishments are known by a name of their own (a person, a place), not their city's.
  const ownName = !public_ && random.chance(0.6) ? random.pick(LAST_NAMES).toUpperCase() : ''
  const year = 1960 + random.int(64)
  return [
    'structureet',
    finess,
    withLuhnKey(`${city.finessDepartment}${random.digits(6)}`),
    `${short} ${routing}`.slice(0, 38),
    ownName
      ? `${long.replace(/( DE|,)$/, '')} ${ownName}`
      : long.endsWith(',')
        ? `${long.slice(0, -1)} ${upperCity}`
        : `${long} ${upperCity}`,
    '',
    '',
    String(1 + random.int(120)),
    random.pick(STREET_TYPES)[0],
    random.pick(STREETS).toUpperCase(),
    random.chance(0.05) ? 'B' : '',
    cedex ? `BP ${random.int(900) + 10}` : '',
    city.inseeCode.slice(2),
    city.finessDepartment,
    city.departmentLabel.toUpperCase(),
    `${city.postalCode} ${routing}${cedex ? ' CEDEX' : ''}`,
    `0${1 + random.int(5)}${random.digits(8)}`,
    random.chance(0.5) ? `0${1 + random.int(5)}${random.digits(8)}` : '',
    code,
    label,
    aggregate,
    aggregateLabel,
    random.chance(0.9) ? withLuhnKey(`${withLuhnKey(random.digits(8))}${random.digits(4)}`) : '',
    ape,
    public_ ? '03' : '01',
    public_ ? 'ARS établissements Publics de santé dotation globale' : 'Tarifs libres',
    public_ ? '1' : '',
    public_ ? 'Etablissement public de santé' : '',
    `${year}-0${1 + random.int(9)}-1${random.int(10)}`,
    `${year}-01-01`,
    `2024-0${1 + random.int(9)}-0${1 + random.int(9)}`,
    '',
  ]
}
