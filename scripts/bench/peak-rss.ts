import { writeFileSync } from 'node:fs'

// Preloaded (`node --import`) into a measured child process: at exit, writes its peak resident set
// size, in KiB, to the file named by BENCH_PEAK_RSS_FILE.
const file = process.env.BENCH_PEAK_RSS_FILE
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
