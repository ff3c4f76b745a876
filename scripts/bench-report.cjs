// Preloaded into every node process of a benchmark run (through NODE_OPTIONS): appends the
// process's peak resident set size (KiB) to the file named by TRACESYNTH_BENCH_REPORT.
const { appendFileSync } = require('node:fs');
process.on('exit', () => {
  if (process.env.TRACESYNTH_BENCH_REPORT)
    appendFileSync(process.env.TRACESYNTH_BENCH_REPORT, `${process.resourceUsage().maxRSS}\n`);
});
