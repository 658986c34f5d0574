import proj4, { type Converter } from 'proj4'

/**
 * The coordinate systems of the FINESS extract, as its `sourcecoordet` names them in its last field
 * (`1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93`): Lambert-93 in metropolitan France and Corsica,
 * UTM zones overseas. Their datums (RGF93, RGAF09, RGSPM06, RGFG95, RGM04, RGR92) agree with WGS 84
 * to within centimetres, hence no datum shift.
 */
const SYSTEMS = {
  LAMBERT_93: {
    label: 'Lambert-93',
    epsg: 2154,
    proj: '+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +units=m',
  },
  // Guadeloupe, Martinique, Saint-Barthélemy, Saint-Martin.
  UTM_N20: { label: 'UTM 20N', epsg: 5490, proj: '+proj=utm +zone=20 +ellps=GRS80 +units=m' },
  // Saint-Pierre-et-Miquelon.
  UTM_N21: { label: 'UTM 21N', epsg: 4467, proj: '+proj=utm +zone=21 +ellps=GRS80 +units=m' },
  // Guyane.
  UTM_N22: { label: 'UTM 22N', epsg: 2972, proj: '+proj=utm +zone=22 +ellps=GRS80 +units=m' },
  // Mayotte.
  UTM_S38: { label: 'UTM 38S', epsg: 4471, proj: '+proj=utm +zone=38 +south +ellps=GRS80 +units=m' },
  // La Réunion.
  UTM_S40: { label: 'UTM 40S', epsg: 2975, proj: '+proj=utm +zone=40 +south +ellps=GRS80 +units=m' },
} as const

type SystemCode = keyof typeof SYSTEMS
const isKnown = (code: string): code is SystemCode => Object.hasOwn(SYSTEMS, code)

const converters = new Map<SystemCode, Converter>()
const converterOf = (code: SystemCode) => {
  let converter = converters.get(code)
  if (!converter) {
    converter = proj4(SYSTEMS[code].proj, 'WGS84')
    converters.set(code, converter)
  }
  return converter
}

/** The system a `sourcecoordet` names: its last comma-separated field (`LAMBERT_93`). */
export const coordinateSystemOf = (source: string) => source.slice(source.lastIndexOf(',') + 1).trim()

const round = (degrees: number) => Math.round(degrees * 1e6) / 1e6

/** WGS 84 latitude and longitude (6 decimals, about 10 cm), or null for a system we do not know. */
export function toWgs84(
  system: string,
  x: number,
  y: number,
): { latitude: number; longitude: number } | null {
  if (!isKnown(system)) return null
  const [longitude, latitude] = converterOf(system).forward([x, y])
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return null
  return { latitude: round(latitude!), longitude: round(longitude!) }
}

/** How the API names a system: `Lambert-93`, `UTM 20N`…, with its EPSG code; an unknown one as written. */
export function systemView(system: string): { system: string; epsg: number | null } {
  return isKnown(system)
    ? { system: SYSTEMS[system].label, epsg: SYSTEMS[system].epsg }
    : { system, epsg: null }
}
