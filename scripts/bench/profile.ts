import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

// `npm run bench -- --only login --profile <folder>`: the service runs under `node --cpu-prof`, and
// where its main thread spent the run is printed from the profile, by part (idle, garbage collection,
// each package, each area of src/, Node's own) and by function.

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** What a function belongs to: `(idle)`, a package, `src/<area>`, or Node's own code. */
function partOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (functionName.startsWith('(') && url === '') return functionName
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (inPackage) return inPackage[1]!
  const inSource = /\/dist\/src\/([^/]+)/.exec(url) ?? /\/src\/([^/]+)/.exec(url)
  if (inSource) return `src/${inSource[1]!.replace(/\.js$/, '')}`
  if (url.startsWith('node:') || url === '') return 'node (own code and native)'
  return url
}

const share = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`.padStart(6)

/** The main thread's time in a profile, by part and by function, as lines to print. */
export function summarizeProfile(profile: CpuProfile, top = 12): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parts = new Map<string, number>()
  const functions = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame
    const time = profile.timeDeltas[i] ?? 0
    total += time
    const part = partOf(frame)
    parts.set(part, (parts.get(part) ?? 0) + time)
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '')}:${frame.lineNumber + 1}`
    functions.set(name, (functions.get(name) ?? 0) + time)
  })
  const ranked = (times: Map<string, number>) =>
    [...times]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => `  ${share(time, total)}  ${name}`)
  return [
    `main thread, ${(total / 1e6).toFixed(1)} s sampled; by part:`,
    ...ranked(parts),
    'by function (self time):',
    ...ranked(functions),
  ]
}

/** Every profile written in `folder`, summarised. */
export async function summarizeProfiles(folder: string): Promise<string[]> {
  const files = (await readdir(folder)).filter((file) => file.endsWith('.cpuprofile')).sort()
  const lines: string[] = []
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(folder, file), 'utf8')) as CpuProfile
    lines.push(`profile ${file}`, ...summarizeProfile(profile))
  }
  return lines
}
