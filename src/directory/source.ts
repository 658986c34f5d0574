import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import yauzl from 'yauzl'
import { DirectoryFileError } from './file-error.ts'

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

/** The same bytes, once one has arrived; undefined when the stream ends with none (an empty upload). */
export async function unlessEmpty(input: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream | undefined> {
  const chunks = input[Symbol.asyncIterator]()
  const first = await chunks.next()
  if (first.done) return undefined
  async function* all() {
    yield first.value
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value
  }
  return Readable.from(all(), { objectMode: false })
}

async function openFirstEntry(path: string): Promise<NodeJS.ReadableStream> {
  const zip = await yauzl
    .openPromise(path, { lazyEntries: true, autoClose: false })
    .catch(() => Promise.reject(new DirectoryFileError('the file is not a readable zip archive')))
  try {
    const entry = await findEntry(zip).catch(() => Promise.reject(DAMAGED()))
    if (entry === undefined) throw new DirectoryFileError('the zip holds no .txt or .csv file')
    const stream = await zip.openReadStreamPromise(entry).catch(() => Promise.reject(DAMAGED()))
    // What yauzl or zlib say of a damaged entry (bad CRC, truncated data) is about the file.
    const bytes = new PassThrough()
    stream.on('error', () => bytes.destroy(DAMAGED()))
    bytes.on('close', () => stream.destroy())
    return stream.pipe(bytes)
  } finally {
    // The entry stream holds its own reference: the file closes once that stream is done.
    zip.close()
  }
}

const DAMAGED = () => new DirectoryFileError('the zip archive is damaged')

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
