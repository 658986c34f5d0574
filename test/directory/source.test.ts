import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDirectorySource, unzipFirstEntry } from '../../src/directory/source.ts'
import { buildZip } from './zip.ts'

const CONTENT = 'Identifiant PP|Nom d’exercice|\n10001234567|Lévêque|\n'.repeat(500)

let directory: string
let spool: string
const previousTmpdir = process.env.TMPDIR

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'directory-source-test-'))
  // unzipFirstEntry spools into os.tmpdir(): pointing it here lets the tests see the spool go.
  spool = join(directory, 'spool')
  await mkdir(spool)
  process.env.TMPDIR = spool
})

afterAll(async () => {
  if (previousTmpdir === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = previousTmpdir
  await rm(directory, { recursive: true, force: true })
})

const zip = () =>
  buildZip([
    { name: 'LISEZ-MOI.md', data: 'Extraction RPPS' },
    { name: 'extraction/PS_LibreAcces_Personne_activite_202611.txt', data: CONTENT },
    { name: 'autre.csv', data: 'ignored' },
  ])

describe('opening a directory file', () => {
  it('streams a plain file as it is', async () => {
    const path = join(directory, 'PS_LibreAcces_Personne_activite_202611.txt')
    await writeFile(path, CONTENT)
    expect(await text(await openDirectorySource(path))).toBe(CONTENT)
  })

  it('streams the first .txt or .csv entry of a zip, deflated or stored', async () => {
    const path = join(directory, 'deflated.zip')
    await writeFile(path, zip())
    expect(await text(await openDirectorySource(path))).toBe(CONTENT)

    const stored = join(directory, 'stored.ZIP')
    await writeFile(
      stored,
      buildZip([{ name: 'etalab-cs1100507-stock.CSV', data: 'finess;etalab', method: 0 }]),
    )
    expect(await text(await openDirectorySource(stored))).toBe('finess;etalab')
  })

  it('refuses a zip without a .txt or .csv entry', async () => {
    const path = join(directory, 'empty.zip')
    await writeFile(path, buildZip([{ name: 'LISEZ-MOI.md', data: 'rien' }]))
    await expect(openDirectorySource(path)).rejects.toThrow('the zip holds no .txt or .csv file')
  })
})

describe('unzipping an upload', () => {
  it('spools the upload, streams its entry, then deletes the spool', async () => {
    const bytes = zip()
    const upload = Readable.from([bytes.subarray(0, 100), bytes.subarray(100)])
    const entry = await unzipFirstEntry(upload)
    expect(await readdir(spool)).toHaveLength(1)
    expect(await text(entry)).toBe(CONTENT)
    await expect.poll(() => readdir(spool)).toEqual([])
  })

  it('deletes the spool when the reader gives up early', async () => {
    const entry = (await unzipFirstEntry(Readable.from([zip()]))) as Readable
    entry.destroy()
    await expect.poll(() => readdir(spool)).toEqual([])
  })

  it('deletes the spool when the upload is not a zip', async () => {
    await expect(unzipFirstEntry(Readable.from([Buffer.from('finess;etalab;95')]))).rejects.toThrow()
    expect(await readdir(spool)).toEqual([])
  })
})
