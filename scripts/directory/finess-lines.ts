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

/** A category of establishment: its codes and labels, the names its establishments take, its share. */
interface Category {
  /** categetab, libcategetab, categagretab, libcategagretab, codeape, short name. */
  codes: readonly [string, string, string, string, string, string]
  /**
   * Long names: one ending in `,` is followed by the city, one ending in ` DE` by the city or a name of
   * its own; the others stand alone or take a name of their own.
   */
  names: readonly string[]
  /** About how many of them the national FINESS lists, in thousands: how often one is drawn. */
  thousands: number
}

// Some of the categories of the national FINESS, with about their real counts, and the names they
// go by: a search then meets lists of the lengths a real directory gives it (a fifth of the sites are
// pharmacies, not every pharmacy is "du marché", few sites are hospitals).
const CATEGORIES: readonly Category[] = [
  {
    codes: ['620', "Pharmacie d'Officine", '3301', "Pharmacie d'Officine", '4773Z', 'PHARMACIE'],
    names: [
      'PHARMACIE DU CENTRE',
      'PHARMACIE DE LA GARE',
      'PHARMACIE DU MARCHÉ,',
      'PHARMACIE DE LA MAIRIE',
      'PHARMACIE DES HALLES',
      'PHARMACIE CENTRALE,',
      'GRANDE PHARMACIE,',
      "PHARMACIE DE L'ÉGLISE",
      'PHARMACIE DU PORT',
      'PHARMACIE DE LA POSTE',
      'PHARMACIE DU PARC',
      'PHARMACIE DES ARCADES',
      'PHARMACIE DE',
      'PHARMACIE DE',
      'PHARMACIE DE',
    ],
    thousands: 20.5,
  },
  {
    codes: [
      '460',
      "Service d'Aide et d'Accompagnement à Domicile",
      '4602',
      'Services à domicile',
      '8810A',
      'SAAD',
    ],
    names: [
      "SERVICE D'AIDE À DOMICILE DE",
      'ADMR,',
      'AIDE ET SOINS À DOMICILE,',
      'ASSOCIATION DOMICILE SERVICES,',
    ],
    thousands: 9,
  },
  {
    codes: [
      '500',
      "Etablissement d'hébergement pour personnes âgées dépendantes",
      '4401',
      'EHPAD',
      '8710A',
      'EHPAD',
    ],
    names: [
      'EHPAD LE CLOS FLEURI,',
      'EHPAD LES TILLEULS',
      'EHPAD LES GLYCINES',
      'EHPAD RÉSIDENCE LES JARDINS',
      'EHPAD SAINT-JOSEPH',
      'EHPAD LA ROSERAIE',
      'EHPAD LES OLIVIERS',
      'EHPAD DE',
    ],
    thousands: 7.4,
  },
  {
    codes: ['611', 'Laboratoire de Biologie Médicale', '3102', 'Laboratoires', '8690B', 'LBM'],
    names: [
      'LABORATOIRE DE BIOLOGIE MÉDICALE DE',
      "LABORATOIRE D'ANALYSES MÉDICALES,",
      'BIOLOGIE MÉDICALE DE',
    ],
    thousands: 4.2,
  },
  {
    codes: [
      '156',
      'Centre Médico-Psychologique (C.M.P.)',
      '2206',
      'Centres de santé mentale',
      '8610Z',
      'CMP',
    ],
    names: ['CENTRE MÉDICO-PSYCHOLOGIQUE DE', 'CMP ADULTES,', 'CMP ENFANTS ET ADOLESCENTS,'],
    thousands: 3.5,
  },
  {
    codes: ['124', 'Centre de Santé', '2203', 'Centres de Santé', '8690D', 'CDS'],
    names: ['CENTRE DE SANTÉ POLYVALENT DE', 'CENTRE DE SANTÉ DENTAIRE,', 'CENTRE DE SANTÉ MUNICIPAL,'],
    thousands: 3,
  },
  {
    codes: ['603', 'Maison de santé (L.6223-3)', '2204', 'Maisons de santé', '8621Z', 'MSP'],
    names: ['MAISON DE SANTÉ PLURIPROFESSIONNELLE DE', 'PÔLE DE SANTÉ,', 'MAISON MÉDICALE DE'],
    thousands: 2.5,
  },
  {
    codes: ['202', 'Résidence autonomie', '4402', 'Résidences autonomie', '8730A', 'RA'],
    names: ['RÉSIDENCE AUTONOMIE LES LILAS', 'RÉSIDENCE LE BEL ÂGE', 'RÉSIDENCE AUTONOMIE DE'],
    thousands: 2.3,
  },
  {
    codes: ['354', 'Service de Soins Infirmiers A Domicile (S.S.I.A.D)', '4403', 'SSIAD', '8810A', 'SSIAD'],
    names: ['SSIAD DE', 'SERVICE DE SOINS INFIRMIERS À DOMICILE,'],
    thousands: 2.1,
  },
  {
    codes: [
      '382',
      'Foyer de Vie pour Adultes Handicapés',
      '4301',
      'Etablissements pour adultes handicapés',
      '8790B',
      'FV',
    ],
    names: ['FOYER DE VIE LES SOURCES', 'FOYER DE VIE DE', "FOYER D'HÉBERGEMENT,"],
    thousands: 2,
  },
  {
    codes: [
      '182',
      "Service d'Éducation Spéciale et de Soins à Domicile",
      '4101',
      'Services pour enfants handicapés',
      '8891B',
      'SESSAD',
    ],
    names: ['SESSAD DE', 'SESSAD LES PETITS PAS'],
    thousands: 1.9,
  },
  {
    codes: [
      '246',
      "Etablissement et Service d'Aide par le Travail (E.S.A.T.)",
      '4301',
      'Etablissements pour adultes handicapés',
      '8810C',
      'ESAT',
    ],
    names: ['ESAT LES ATELIERS DE', 'ESAT DE', 'ESAT LE CHÂTEAU BLANC'],
    thousands: 1.4,
  },
  {
    codes: [
      '183',
      'Institut Médico-Educatif (I.M.E.)',
      '4101',
      'Etablissements pour enfants handicapés',
      '8891A',
      'IME',
    ],
    names: ['INSTITUT MÉDICO-ÉDUCATIF DE', 'IME LES COQUELICOTS'],
    thousands: 1.2,
  },
  {
    codes: ['355', 'Centre Hospitalier (C.H.)', '1102', 'Centres Hospitaliers', '8610Z', 'CH'],
    names: ['CENTRE HOSPITALIER DE', 'HÔPITAL LOCAL DE', 'CENTRE HOSPITALIER INTERCOMMUNAL DE'],
    thousands: 0.9,
  },
]
const CATEGORY_WEIGHT = CATEGORIES.reduce((sum, category) => sum + category.thousands, 0)

/** A category drawn as often as the national FINESS lists it. */
function pickCategory(random: Random): Category {
  let drawn = random.next() * CATEGORY_WEIGHT
  for (const category of CATEGORIES) {
    drawn -= category.thousands
    if (drawn < 0) return category
  }
  return CATEGORIES[0]!
}

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

/**
 * An establishment's long name from its category's: followed by the city (`,`), by the city or, for
 * most private ones, a name of their own (` DE`: "PHARMACIE MARTIN"), or as it is.
 */
function longName(random: Random, name: string, city: string, public_: boolean): string {
  if (name.endsWith(',')) return `${name.slice(0, -1)} ${city}`
  if (!name.endsWith(' DE')) return name
  return !public_ && random.chance(0.6)
    ? `${name.slice(0, -3)} ${random.pick(LAST_NAMES).toUpperCase()}`
    : `${name} ${city}`
}

function establishmentFields(random: Random, finess: string, city: City): string[] {
  const category = pickCategory(random)
  const [code, label, aggregate, aggregateLabel, ape, short] = category.codes
  const routing = routingName(city.name)
  const cedex = random.chance(0.05)
  const public_ = code === '355'
  const name = longName(random, random.pick(category.names), city.name.toUpperCase(), public_)
  const year = 1960 + random.int(64)
  return [
    'structureet',
    finess,
    withLuhnKey(`${city.finessDepartment}${random.digits(6)}`),
    `${short} ${routing}`.slice(0, 38),
    name,
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
