/**
 * The 18 regions of France (INSEE codes since 2016) and their departments, and what a postal code says
 * of its department: the first two digits, but Corsica (20xxx) splits into 2A and 2B, and overseas
 * (97xxx) takes three. Pure data and rules: a mailbox's region, department and postal code must agree.
 */
export const REGIONS = {
  '01': { name: 'Guadeloupe', departments: ['971'] },
  '02': { name: 'Martinique', departments: ['972'] },
  '03': { name: 'Guyane', departments: ['973'] },
  '04': { name: 'La Réunion', departments: ['974'] },
  '06': { name: 'Mayotte', departments: ['976'] },
  '11': { name: 'Île-de-France', departments: ['75', '77', '78', '91', '92', '93', '94', '95'] },
  '24': { name: 'Centre-Val de Loire', departments: ['18', '28', '36', '37', '41', '45'] },
  '27': { name: 'Bourgogne-Franche-Comté', departments: ['21', '25', '39', '58', '70', '71', '89', '90'] },
  '28': { name: 'Normandie', departments: ['14', '27', '50', '61', '76'] },
  '32': { name: 'Hauts-de-France', departments: ['02', '59', '60', '62', '80'] },
  '44': { name: 'Grand Est', departments: ['08', '10', '51', '52', '54', '55', '57', '67', '68', '88'] },
  '52': { name: 'Pays de la Loire', departments: ['44', '49', '53', '72', '85'] },
  '53': { name: 'Bretagne', departments: ['22', '29', '35', '56'] },
  '75': {
    name: 'Nouvelle-Aquitaine',
    departments: ['16', '17', '19', '23', '24', '33', '40', '47', '64', '79', '86', '87'],
  },
  '76': {
    name: 'Occitanie',
    departments: ['09', '11', '12', '30', '31', '32', '34', '46', '48', '65', '66', '81', '82'],
  },
  '84': {
    name: 'Auvergne-Rhône-Alpes',
    departments: ['01', '03', '07', '15', '26', '38', '42', '43', '63', '69', '73', '74'],
  },
  '93': { name: 'Provence-Alpes-Côte d’Azur', departments: ['04', '05', '06', '13', '83', '84'] },
  '94': { name: 'Corse', departments: ['2A', '2B'] },
} as const satisfies Record<string, { name: string; departments: readonly string[] }>

export type RegionCode = keyof typeof REGIONS
export const REGION_CODES = Object.keys(REGIONS).sort() as RegionCode[]

const REGION_OF_DEPARTMENT = new Map<string, RegionCode>(
  REGION_CODES.flatMap((region) => REGIONS[region].departments.map((department) => [department, region])),
)
export const DEPARTMENT_CODES = [...REGION_OF_DEPARTMENT.keys()].sort()

export const isRegionCode = (code: string): code is RegionCode => code in REGIONS
export const regionOfDepartment = (department: string): RegionCode | undefined =>
  REGION_OF_DEPARTMENT.get(department)

/**
 * The department of a French postal code, or undefined when the code names none of the 101: Corsica's
 * 200xx–201xx are Corse-du-Sud (2A), 202xx and 206xx Haute-Corse (2B); overseas codes keep three
 * digits (97200 → 972); Monaco (980xx) and the Pacific (98xxx) are no department.
 */
export function departmentOfPostalCode(postalCode: string): string | undefined {
  if (!/^[0-9]{5}$/.test(postalCode)) return undefined
  const two = postalCode.slice(0, 2)
  let department: string
  if (two === '20') {
    const third = postalCode[2]
    if (third === '0' || third === '1') department = '2A'
    else if (third === '2' || third === '6') department = '2B'
    else return undefined
  } else if (two === '97') department = postalCode.slice(0, 3)
  else department = two
  return REGION_OF_DEPARTMENT.has(department) ? department : undefined
}

export type PlaceCheck =
  | { ok: true; region: RegionCode; department: string | null }
  | { ok: false; field: 'region' | 'department' | 'postalAddress.postalCode'; message: string }

/**
 * Whether a region, a department and a postal code agree, any of the last two absent. The department
 * is derived from the postal code when absent; given, it must be the postal code's and the region's.
 */
export function checkPlace(input: {
  region: string
  department?: string | undefined
  postalCode?: string | undefined
}): PlaceCheck {
  if (!isRegionCode(input.region))
    return { ok: false, field: 'region', message: 'is not the INSEE code of one of the 18 regions' }
  const region = input.region
  const fromPostalCode = input.postalCode === undefined ? undefined : departmentOfPostalCode(input.postalCode)
  if (input.postalCode !== undefined && fromPostalCode === undefined)
    return { ok: false, field: 'postalAddress.postalCode', message: 'is not the postal code of a department' }
  if (input.department !== undefined && regionOfDepartment(input.department) === undefined)
    return { ok: false, field: 'department', message: 'is not the code of a department' }
  if (input.department !== undefined && fromPostalCode !== undefined && input.department !== fromPostalCode)
    return {
      ok: false,
      field: 'department',
      message: `does not match the postal code ${input.postalCode}, in department ${fromPostalCode}`,
    }
  const department = input.department ?? fromPostalCode ?? null
  if (department !== null && regionOfDepartment(department) !== region)
    return {
      ok: false,
      field: input.department === undefined ? 'postalAddress.postalCode' : 'department',
      message: `is in ${REGIONS[regionOfDepartment(department)!].name}, not in ${REGIONS[region].name}`,
    }
  return { ok: true, region, department }
}
