import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import yauzl from 'yauzl'

/**
 * A readable stream of the file's bytes: the file itself, or, for a .zip, its first entry whose
 * name ends with .txt or .csv (streamed with yauzl, not extracted to disk).
 */
export async function openDirectorySource(path: string): Promise<NodeJS.ReadableStream> {
  if (!path.toLowerCase().endsWith('.zip')) return createReadStream(path)
  return openFirstEntry(path)
}

/**
 * Same from a stream of zip bytes (an HTTP upload): yauzl needs random access, so the upload is
 * spooled to a temporary file, deleted when the returned stream ends, errors or is destroyed.
 */
export async function unzipFirstEntry(zipBytes: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> {
  const directory = await mkdtemp(join(tmpdir(), 'sesame-directory-'))
  const removeDirectory = () => rm(directory, { recursive: true, force: true })
  try {
    const path = join(directory, 'upload.zip')
    await pipeline(zipBytes, createWriteStream(path))
    const entry = await openFirstEntry(path)
    let removed = false
    const cleanUp = () => {
      if (removed) return
      removed = true
      removeDirectory().catch(() => {})
    }
    entry.once('end', cleanUp).once('error', cleanUp).once('close', cleanUp)
    return entry
  } catch (error) {
    await removeDirectory()
    throw error
  }
}

async function openFirstEntry(path: string): Promise<NodeJS.ReadableStream> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false })
  try {
    const entry = await findEntry(zip)
    if (entry === undefined) throw new Error(`${path}: the zip holds no .txt or .csv file`)
    return await zip.openReadStreamPromise(entry)
  } finally {
    // The entry stream holds its own reference: the file closes once that stream is done.
    zip.close()
  }
}

function findEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = (entry: yauzl.Entry | undefined) => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError)
      resolve(entry)
    }
    const onEntry = (entry: yauzl.Entry) => {
      if (/\.(txt|csv)$/i.test(entry.fileName) && !entry.fileName.includes('__MACOSX/')) done(entry)
      else zip.readEntry()
    }
    const onEnd = () => done(undefined)
    const onError = (error: Error) => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError)
      reject(error)
    }
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError)
    zip.readEntry()
  })
}
