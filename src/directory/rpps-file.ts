import { DirectoryFileError } from './file-error.ts'
import { appendPart, type ByteSource, holdsNul, NUL_IN_LINE, readLineBatches } from './lines.ts'
import { resolveRppsLayout } from './rpps-columns.ts'

export { normalizeHeader } from './rpps-columns.ts'

/** One line of the RPPS extract: a person × one of their activities. Absent values are ''. */
export interface RppsActivity {
  /** 1-based line number in the file (the header is line 1). */
  line: number
  /** Type d'identifiant PP: 8 = RPPS, 0 = ADELI. */
  idType: string
  rpps: string
  nationalId: string
  /** M, MME. */
  civilityCode: string
  civilityLabel: string
  /** DR, PR. */
  practiceCivilityCode: string
  practiceCivilityLabel: string
  lastName: string
  firstName: string
  professionCode: string
  professionLabel: string
  categoryCode: string
  modeCode: string
  modeLabel: string
  siret: string
  siren: string
  finess: string
  finessLegal: string
  structureTechnicalId: string
  structureName: string
  brandName: string
  /** `12 B Rue de la Paix, Bâtiment C, BP 12`: street, then geographic complement and distribution mention. */
  address: string
  postalCode: string
  cityCode: string
  /** Libellé commune, or the Bureau cedex line when the commune is empty. */
  city: string
  departmentCode: string
  departmentLabel: string
  /** Téléphone, else Téléphone 2. */
  phone: string
  email: string
}

export interface RppsRejection {
  line: number
  reason: string
}

export type RppsLineParser = (line: string, lineNumber: number) => RppsActivity | RppsRejection

export function isRppsRejection(record: RppsActivity | RppsRejection): record is RppsRejection {
  return 'reason' in record
}

/** A parser for the lines under `headerLine`; throws when the header lacks a required column. */
export function createRppsLineParser(headerLine: string): RppsLineParser {
  const { fieldCount, index: c } = resolveRppsLayout(stripBom(stripCarriageReturn(headerLine)))
  return (rawLine, lineNumber) => {
    const f = stripCarriageReturn(rawLine).split('|')
    let count = f.length
    if (f[count - 1] === '') count--
    if (count !== fieldCount) {
      return { line: lineNumber, reason: `expected ${fieldCount} fields, found ${count}` }
    }
    const rpps = f[c.rpps]!
    if (rpps === '') return { line: lineNumber, reason: 'Identifiant PP is empty' }

    let address = appendPart(at(f, c.streetNumber), at(f, c.repetitionIndex), ' ')
    address = appendPart(address, at(f, c.streetType), ' ')
    address = appendPart(address, at(f, c.street), ' ')
    address = appendPart(address, at(f, c.geoComplement), ', ')
    address = appendPart(address, at(f, c.distribution), ', ')

    return {
      line: lineNumber,
      idType: f[c.idType]!,
      rpps,
      nationalId: f[c.nationalId]!,
      civilityCode: at(f, c.civilityCode),
      civilityLabel: at(f, c.civilityLabel),
      practiceCivilityCode: at(f, c.practiceCivilityCode),
      practiceCivilityLabel: at(f, c.practiceCivilityLabel),
      lastName: f[c.lastName]!,
      firstName: f[c.firstName]!,
      professionCode: f[c.professionCode]!,
      professionLabel: f[c.professionLabel]!,
      categoryCode: at(f, c.categoryCode),
      modeCode: at(f, c.modeCode),
      modeLabel: at(f, c.modeLabel),
      siret: at(f, c.siret),
      siren: at(f, c.siren),
      finess: at(f, c.finess),
      finessLegal: at(f, c.finessLegal),
      structureTechnicalId: at(f, c.structureTechnicalId),
      structureName: at(f, c.structureName),
      brandName: at(f, c.brandName),
      address,
      postalCode: at(f, c.postalCode),
      cityCode: at(f, c.cityCode),
      city: at(f, c.city) || at(f, c.cedexOffice),
      departmentCode: at(f, c.departmentCode),
      departmentLabel: at(f, c.departmentLabel),
      phone: at(f, c.phone) || at(f, c.phone2),
      email: at(f, c.email),
    }
  }
}

/**
 * Streams the records of an RPPS extract (UTF-8, `|`-separated, one header line), in file order.
 * Bad lines come out as rejections; a header lacking a required column throws.
 */
export async function* readRppsFile(input: ByteSource): AsyncGenerator<RppsActivity | RppsRejection> {
  for await (const records of readRppsBatches(input)) yield* records
}

/** The same records, a batch per piece of the file: a promise per batch rather than per line. */
export async function* readRppsBatches(input: ByteSource): AsyncGenerator<(RppsActivity | RppsRejection)[]> {
  let parse: RppsLineParser | undefined
  let lineNumber = 0
  for await (const lines of readLineBatches(input)) {
    const records: (RppsActivity | RppsRejection)[] = []
    for (const line of lines) {
      lineNumber++
      if (line === '') continue
      if (parse === undefined) parse = createRppsLineParser(line)
      else records.push(holdsNul(line) ? { line: lineNumber, reason: NUL_IN_LINE } : parse(line, lineNumber))
    }
    if (records.length > 0) yield records
  }
  if (parse === undefined) throw new DirectoryFileError('RPPS file is empty: no header line')
}

// An optional column the file lacks has index -1.
function at(fields: string[], index: number): string {
  return index < 0 ? '' : fields[index]!
}

function stripCarriageReturn(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line
}

function stripBom(line: string): string {
  return line.charCodeAt(0) === 0xfeff ? line.slice(1) : line
}
