/** Small, real-looking French reference data for the directory generators. */

// `|`-separated lists keep the file short; names carry accents, apostrophes and particles on purpose.
// First names as the professionals born from the 1950s to the 1990s bear them: about fifty a sex, the
// commonest at 1–2% each as in the national directory, not a handful shared by everyone.
export const FIRST_NAMES = {
  M: (
    'Jean|Loïc|François|Jérôme|Benoît|Noël|Mathis|Étienne|Joël|Hervé|Karim|Thomas|Anaël|Gaëtan|Pierre|' +
    'Philippe|Nicolas|Christophe|Julien|Stéphane|Olivier|Laurent|Frédéric|Éric|Sébastien|David|Alexandre|' +
    'Guillaume|Patrick|Michel|Antoine|Vincent|Bruno|Pascal|Thierry|Alain|Didier|Maxime|Romain|Mathieu|' +
    'Hugo|Lucas|Mehdi|Yannick|Cédric|Grégoire|Rémi|Aurélien|Jérémie|Bastien'
  ).split('|'),
  MME: (
    'Hélène|Françoise|Chloé|Zoé|Anaïs|Céline|Maëlle|Agnès|Bérénice|Inès|Marie|Sophie|Léa|Aïcha|Nathalie|' +
    'Isabelle|Sandrine|Valérie|Stéphanie|Christine|Catherine|Sylvie|Véronique|Julie|Aurélie|Émilie|' +
    'Camille|Laure|Claire|Anne|Caroline|Élodie|Mélanie|Audrey|Karine|Virginie|Delphine|Laetitia|Fatima|' +
    'Pauline|Manon|Sarah|Laura|Lucie|Justine|Charlotte|Margaux|Océane|Noémie|Gaëlle'
  ).split('|'),
}

const COMMON_LAST_NAMES = (
  "Martin|Bernard|Dubois|Lefèvre|Müller|Brûlé|N'Diaye|d'Argent|Lévêque|Girard|Fontaine|Chevalier|Mercier|" +
  "Gauthier|Perrin|Crépin|Le Gall|Ménard|D'Almeida|Nguyen|Da Silva|Benoît|Rousseau|Boucher|Hénaff|Lemaître|" +
  'Sénéchal|Bouvier-Dupré|Petit|Moreau'
).split('|')

// A long tail of rarer names, as a national directory has (some 8,000 here, from syllables), so that a
// word search meets lists of realistic lengths rather than 30 names shared by everyone.
const NAME_STARTS =
  'Ber|Lam|Mor|Ker|Gal|Ros|Duv|Fer|Cas|Bon|Gui|Pel|Tes|Vial|Char|Bou|Rog|Lac|Mai|Ro|Tho|Gré|Bla|Cou|Del|Far|Hu|Jou|Lo|Ni|Pa|Que|Ri|Sa|Tou|Va|Vil|Bro|Cha|Dau'.split(
    '|',
  )
const NAME_MIDDLES = ['', 'ra', 'ne', 'li', 'va', 'mo', 'ge', 'su']
const NAME_ENDS =
  'ard|ier|eau|ot|in|and|ec|ès|ault|ou|elle|ert|ic|on|oux|et|y|as|ié|enne|aud|ez|an|ay|erre'.split('|')

/** Last names: the 30 most common first (`COMMON_LAST_NAMES`), then the tail. */
export const LAST_NAMES = [
  ...COMMON_LAST_NAMES,
  ...NAME_STARTS.flatMap((start) =>
    NAME_MIDDLES.flatMap((middle) => NAME_ENDS.map((end) => `${start}${middle}${end}`)),
  ),
]
export const COMMON_LAST_NAME_COUNT = COMMON_LAST_NAMES.length

export interface Profession {
  code: string
  label: string
  authority: string
  practiceCivility: boolean
  skills: readonly (readonly [string, string])[]
}

export const PROFESSIONS: readonly Profession[] = [
  {
    code: '10',
    label: 'Médecin',
    authority: 'CNOM',
    practiceCivility: true,
    skills: [
      ['SM54', 'Médecine Générale'],
      ['SM26', 'Qualifié en Médecine Générale'],
      ['SM04', 'Cardiologie et maladies vasculaires'],
      ['SM40', 'Pédiatrie'],
    ],
  },
  { code: '21', label: 'Pharmacien', authority: 'CNOP', practiceCivility: true, skills: [] },
  {
    code: '40',
    label: 'Chirurgien-Dentiste',
    authority: 'CNOCD',
    practiceCivility: true,
    skills: [['SCD01', 'Orthopédie dento-faciale']],
  },
  { code: '50', label: 'Sage-Femme', authority: 'CNOSF', practiceCivility: false, skills: [] },
  { code: '60', label: 'Infirmier', authority: 'CNOI', practiceCivility: false, skills: [] },
  { code: '70', label: 'Masseur-Kinésithérapeute', authority: 'CNOMK', practiceCivility: false, skills: [] },
]

export const MODES = [
  ['L', 'Libéral'],
  ['S', 'Salarié'],
  ['B', 'Bénévole'],
] as const

export const STREET_TYPES = [
  ['R', 'Rue'],
  ['AV', 'Avenue'],
  ['BD', 'Boulevard'],
  ['PL', 'Place'],
  ['CHE', 'Chemin'],
  ['ALL', 'Allée'],
  ['IMP', 'Impasse'],
  ['QUAI', 'Quai'],
] as const

export const STREETS = (
  "de la République|Victor Hugo|Jean Jaurès|du Général de Gaulle|Pasteur|des Lilas|de l'Église|Émile Zola|" +
  'Gambetta|Saint-Éloi|des Frères Lumière|du Maréchal Foch'
).split('|')

export const GEO_COMPLEMENTS = [
  'Bâtiment B',
  'Résidence les Tilleuls',
  'Centre commercial Les Arcades',
  '2e étage',
]

export interface City {
  postalCode: string
  /** INSEE commune code, 5 characters. */
  inseeCode: string
  name: string
  /** Département: INSEE code, FINESS code (9A… overseas), label. */
  department: string
  finessDepartment: string
  departmentLabel: string
  /** Approximate projected coordinates: Lambert-93 in mainland France and Corsica, UTM overseas. */
  x: number
  y: number
  /** Their system, as FINESS names it in `sourcecoordet`. */
  system: 'LAMBERT_93' | 'UTM_N20' | 'UTM_S40'
}

const city = (row: string): City => {
  const [postalCode, inseeCode, name, department, finessDepartment, departmentLabel, x, y] = row.split('|')
  return {
    postalCode: postalCode!,
    inseeCode: inseeCode!,
    name: name!,
    department: department!,
    finessDepartment: finessDepartment!,
    departmentLabel: departmentLabel!,
    x: Number(x),
    y: Number(y),
    system: finessDepartment === '9A' ? 'UTM_N20' : finessDepartment === '9D' ? 'UTM_S40' : 'LAMBERT_93',
  }
}

export const CITIES: readonly City[] = [
  '75015|75115|Paris|75|75|Paris|648000|6859000',
  '75011|75111|Paris|75|75|Paris|655000|6863000',
  '69003|69383|Lyon|69|69|Rhône|844000|6519000',
  '13005|13205|Marseille|13|13|Bouches-du-Rhône|894000|6248000',
  '01000|01053|Bourg-en-Bresse|01|01|Ain|871000|6568000',
  '67600|67462|Sélestat|67|67|Bas-Rhin|1034000|6799000',
  '67000|67482|Strasbourg|67|67|Bas-Rhin|1050000|6840000',
  '33000|33063|Bordeaux|33|33|Gironde|417000|6421000',
  '31000|31555|Toulouse|31|31|Haute-Garonne|574000|6280000',
  '59000|59350|Lille|59|59|Nord|704000|7059000',
  '44000|44109|Nantes|44|44|Loire-Atlantique|355000|6690000',
  '35000|35238|Rennes|35|35|Ille-et-Vilaine|352000|6789000',
  '06000|06088|Nice|06|06|Alpes-Maritimes|1044000|6299000',
  '34000|34172|Montpellier|34|34|Hérault|770000|6279000',
  '29200|29019|Brest|29|29|Finistère|146000|6838000',
  '63000|63113|Clermont-Ferrand|63|63|Puy-de-Dôme|706000|6520000',
  '80000|80021|Amiens|80|80|Somme|649000|6977000',
  "21000|21231|Dijon|21|21|Côte-d'Or|854000|6692000",
  '38000|38185|Grenoble|38|38|Isère|914000|6458000',
  '57000|57463|Metz|57|57|Moselle|931000|6903000',
  '64200|64122|Biarritz|64|64|Pyrénées-Atlantiques|336000|6277000',
  '74000|74010|Annecy|74|74|Haute-Savoie|940000|6538000',
  '05000|05061|Gap|05|05|Hautes-Alpes|945000|6390000',
  '20000|2A004|Ajaccio|2A|2A|Corse-du-Sud|1178000|6105000',
  '20200|2B033|Bastia|2B|2B|Haute-Corse|1230000|6187000',
  '97110|97120|Pointe-à-Pitre|971|9A|Guadeloupe|657000|1799000',
  '97400|97411|Saint-Denis|974|9D|La Réunion|338000|7690000',
].map(city)

/** Upper case without accents, as on FINESS routing lines: `Pointe-à-Pitre` → `POINTE A PITRE`. */
export function routingName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase().replace(/[-']/g, ' ')
}
