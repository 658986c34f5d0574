import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { basename, isAbsolute, join, relative, sep } from 'node:path'

// A replay of a Dockerfile without a Docker engine: each stage gets a folder standing for its root file
// system, COPY copies exactly what the line names (from the build context, minus .dockerignore, or from
// an earlier stage), and the RUN lines of the build stages run there with the stage's ENV. The last
// stage's RUN lines set the image up (users, permissions) and are only listed.

export interface Stage {
  name: string
  root: string
  workdir: string
  env: Record<string, string>
  final: boolean
  cmd?: string[]
  healthcheck?: string[]
}

interface Instruction {
  keyword: string
  args: string
}

export function parseDockerfile(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ')
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const keyword = line.split(/\s+/)[0] ?? ''
      return { keyword: keyword.toUpperCase(), args: line.slice(keyword.length).trim() }
    })
}

/** Where a path of the stage lies in its folder. */
export const inStage = (stage: Stage, path: string) =>
  isAbsolute(path) ? join(stage.root, path) : join(stage.root, stage.workdir, path)

function ignoredBy(context: string): (path: string) => boolean {
  const file = join(context, '.dockerignore')
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
    : []
  return (path) =>
    relative(context, path)
      .split(sep)
      .some((part) =>
        patterns.some((pattern) =>
          pattern.startsWith('*') ? part.endsWith(pattern.slice(1)) : part === pattern,
        ),
      )
}

function copy(from: string, to: string, filter: (path: string) => boolean) {
  if (statSync(from).isDirectory()) {
    cpSync(from, to, { recursive: true, filter })
  } else {
    const target =
      to.endsWith(sep) || (existsSync(to) && statSync(to).isDirectory()) ? join(to, basename(from)) : to
    mkdirSync(join(target, '..'), { recursive: true })
    cpSync(from, target)
  }
}

export interface ReplayStep {
  stage: string
  run: string
  ran: boolean
  seconds: number
}

/**
 * Replays the Dockerfile of `context` into `scratch`; answers the stages, and calls `onStep` for each RUN.
 * RUN lines get this process's environment, `runEnv`, then the stage's ENV.
 */
export function replayDockerfile(
  context: string,
  scratch: string,
  runEnv: Record<string, string>,
  onStep: (step: ReplayStep) => void,
): Stage[] {
  const stages: Stage[] = []
  const ignored = ignoredBy(context)
  const instructions = parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'))
  const lastFrom = instructions.map((instruction) => instruction.keyword).lastIndexOf('FROM')
  instructions.forEach(({ keyword, args }, index) => {
    const stage = stages.at(-1) as Stage
    if (keyword === 'FROM') {
      const name = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage-${stages.length}`
      const root = join(scratch, name)
      mkdirSync(root, { recursive: true })
      stages.push({ name, root, workdir: '/', env: {}, final: index === lastFrom })
    } else if (keyword === 'WORKDIR') {
      stage.workdir = isAbsolute(args) ? args : join(stage.workdir, args)
      mkdirSync(inStage(stage, '.'), { recursive: true })
    } else if (keyword === 'ENV') {
      for (const pair of args.split(/\s+/)) {
        const [name = '', ...value] = pair.split('=')
        stage.env[name] = value.join('=')
      }
    } else if (keyword === 'COPY') {
      const words = args.split(/\s+/)
      const flags = words.filter((word) => word.startsWith('--'))
      const paths = words.filter((word) => !word.startsWith('--'))
      const target = paths.pop() ?? '.'
      const destination = inStage(stage, target) + (target.endsWith('/') ? sep : '')
      const fromStage = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length)
      const source = stages.find((candidate) => candidate.name === fromStage)
      if (fromStage && !source) throw new Error(`COPY --from=${fromStage}: no such stage`)
      for (const path of paths) {
        const from = source ? inStage(source, path) : join(context, path)
        if (!existsSync(from))
          throw new Error(`COPY ${path}: not found${source ? ` in stage ${source.name}` : ''}`)
        copy(from, destination, source ? () => true : (file) => !ignored(file))
      }
    } else if (keyword === 'RUN') {
      if (stage.final) {
        onStep({ stage: stage.name, run: args, ran: false, seconds: 0 })
        return
      }
      const started = performance.now()
      const result = spawnSync('sh', ['-c', args], {
        cwd: inStage(stage, '.'),
        env: { ...process.env, ...runEnv, ...stage.env },
        encoding: 'utf8',
      })
      if (result.status !== 0)
        throw new Error(`RUN ${args} (stage ${stage.name}) failed:\n${result.stdout}${result.stderr}`)
      onStep({ stage: stage.name, run: args, ran: true, seconds: (performance.now() - started) / 1000 })
    } else if (keyword === 'CMD') {
      stage.cmd = JSON.parse(args)
    } else if (keyword === 'HEALTHCHECK') {
      stage.healthcheck = JSON.parse(args.slice(args.indexOf('CMD') + 3))
    }
  })
  return stages
}
