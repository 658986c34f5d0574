import iconv from 'iconv-lite'
import { DirectoryFileError } from './file-error.ts'
import { appendPart, type ByteSource, holdsNul, NUL_IN_LINE, readLineBatches } from './lines.ts'
import { coordinateSystemOf } from './positions.ts'

/** A `structureet` line of the FINESS etalab extract (etalab-cs1100507-stock-*.csv). */
export interface FinessEstablishment {
  kind: 'establishment'
  line: number
  finess: string
  finessLegal: string
  /** rslongue, else rs. */
  name: string
  shortName: string
  /** `numvoie typvoie voie compvoie, lieuditbp`. */
  address: string
  /** Both from ligneacheminement (`01000 BOURG EN BRESSE`). */
  postalCode: string
  city: string
  departmentCode: string
  departmentLabel: string
  phone: string
  fax: string
  categoryCode: string
  categoryLabel: string
  siret: string
  openedOn: string
  updatedOn: string
}

/** A `geolocalisation` line: projected coordinates of an establishment, in the system its source names. */
export interface FinessGeolocation {
  kind: 'geolocation'
  line: number
  finess: string
  x: number
  y: number
  /** `sourcecoordet`: `1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93`. */
  source: string
  /** Its last field: `LAMBERT_93`, `UTM_N20`, `UTM_S40`… */
  system: string
}

export interface FinessRejection {
  kind: 'rejected'
  line: number
  reason: string
}

export type FinessRecord = FinessEstablishment | FinessGeolocation | FinessRejection

const ESTABLISHMENT_FIELDS = 32
const GEOLOCATION_FIELDS = 6

/**
 * Streams the records of a FINESS extract in file order (establishments, then their
 * geolocations: the importer joins them in SQL). Throws when the first line is not the
 * `finess;etalab;…` metadata line.
 */
export async function* readFinessFile(input: ByteSource): AsyncGenerator<FinessRecord> {
  // Windows-1252 is the superset of ISO-8859-1 the producers actually write: ’ and œ come out
  // right instead of as C1 control characters; every other byte decodes the same.
  const decoder = iconv.getDecoder('win1252')
  let lineNumber = 0
  for await (const lines of readLineBatches(input, decoder)) {
    for (const line of lines) {
      lineNumber++
      if (lineNumber === 1) {
        if (!line.replace(/^\uFEFF/, '').startsWith('finess;etalab')) {
          throw new DirectoryFileError(
            'not a FINESS etalab extract: the first line should start with "finess;etalab"',
          )
        }
        continue
      }
      if (line === '') continue
      yield holdsNul(line)
        ? { kind: 'rejected', line: lineNumber, reason: NUL_IN_LINE }
        : parseFinessLine(line, lineNumber)
    }
  }
  if (lineNumber === 0) throw new DirectoryFileError('not a FINESS etalab extract: the file is empty')
}

export function parseFinessLine(line: string, lineNumber: number): FinessRecord {
  const f = line.split(';')
  const type = f[0]
  if (type === 'structureet') {
    if (f.length !== ESTABLISHMENT_FIELDS) return reject(lineNumber, type, ESTABLISHMENT_FIELDS, f.length)
    return establishment(f, lineNumber)
  }
  if (type === 'geolocalisation') {
    if (f.length !== GEOLOCATION_FIELDS) return reject(lineNumber, type, GEOLOCATION_FIELDS, f.length)
    const xText = f[2]!
    const yText = f[3]!
    const x = Number(xText)
    const y = Number(yText)
    // Number('') is 0, hence the emptiness checks.
    if (xText === '' || yText === '' || !Number.isFinite(x) || !Number.isFinite(y)) {
      return { kind: 'rejected', line: lineNumber, reason: `non-numeric coordinates "${xText}", "${yText}"` }
    }
    const source = f[4]!
    return {
      kind: 'geolocation',
      line: lineNumber,
      finess: f[1]!,
      x,
      y,
      source,
      system: coordinateSystemOf(source),
    }
  }
  return { kind: 'rejected', line: lineNumber, reason: `unknown line type "${type}"` }
}

// structureet;nofinesset;nofinessej;rs;rslongue;complrs;compldistrib;numvoie;typvoie;voie;compvoie;
// lieuditbp;commune;departement;libdepartement;ligneacheminement;telephone;telecopie;categetab;
// libcategetab;categagretab;libcategagretab;siret;codeape;codemft;libmft;codesph;libsph;dateouv;
// dateautor;datemaj;numuai
function establishment(f: string[], lineNumber: number): FinessEstablishment {
  let address = appendPart(f[7]!, f[8]!, ' ')
  address = appendPart(address, f[9]!, ' ')
  address = appendPart(address, f[10]!, ' ')
  address = appendPart(address, f[11]!, ', ')
  const routing = f[15]!
  const postalCode = leadingPostalCode(routing)
  return {
    kind: 'establishment',
    line: lineNumber,
    finess: f[1]!,
    finessLegal: f[2]!,
    name: f[4]! || f[3]!,
    shortName: f[3]!,
    address,
    postalCode,
    city: postalCode === '' ? routing.trim() : routing.slice(6).trim(),
    departmentCode: f[13]!,
    departmentLabel: f[14]!,
    phone: f[16]!,
    fax: f[17]!,
    categoryCode: f[18]!,
    categoryLabel: f[19]!,
    siret: f[22]!,
    openedOn: f[28]!,
    updatedOn: f[30]!,
  }
}

/** The 5 digits opening `01000 BOURG EN BRESSE`, or '' when the line does not start that way. */
function leadingPostalCode(routing: string): string {
  if (routing.length < 6 || routing.charCodeAt(5) !== 32) return ''
  for (let i = 0; i < 5; i++) {
    const code = routing.charCodeAt(i)
    if (code < 48 || code > 57) return ''
  }
  return routing.slice(0, 5)
}

function reject(line: number, type: string, expected: number, found: number): FinessRejection {
  return { kind: 'rejected', line, reason: `${type} line: expected ${expected} fields, found ${found}` }
}
