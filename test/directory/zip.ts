import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipEntry {
  name: string
  data: Buffer | string
  /** Stored (0) or deflated (8, the default). */
  method?: 0 | 8
}

/** A minimal zip archive: local headers, central directory, end record; no zip64, no encryption. */
export function buildZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const { name, data, method = 8 } of entries) {
    const raw = typeof data === 'string' ? Buffer.from(data) : data
    const body = method === 8 ? deflateRawSync(raw) : raw
    const fileName = Buffer.from(name)
    // Fields shared by both headers, from "version needed" to the file name length.
    const common = Buffer.alloc(26)
    common.writeUInt16LE(20, 0) // version needed
    common.writeUInt16LE(0x0800, 2) // UTF-8 names
    common.writeUInt16LE(method, 4)
    common.writeUInt16LE(0, 6) // time
    common.writeUInt16LE(0x21, 8) // date: 1980-01-01
    common.writeUInt32LE(crc32(raw), 10)
    common.writeUInt32LE(body.length, 14)
    common.writeUInt32LE(raw.length, 18)
    common.writeUInt16LE(fileName.length, 22)
    common.writeUInt16LE(0, 24) // extra field length

    const local = Buffer.concat([uint32(0x04034b50), common, fileName, body])
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4) // version made by
    common.copy(central, 6)
    // comment length, disk, attributes: zero; then the local header's offset.
    central.writeUInt32LE(offset, 42)
    locals.push(local)
    centrals.push(Buffer.concat([central, fileName]))
    offset += local.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4)
  buffer.writeUInt32LE(value)
  return buffer
}
