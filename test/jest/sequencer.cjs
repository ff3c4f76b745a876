// Jest's order (files that failed last time first, then the slowest by its cache, else the largest),
// except that the real-API-server file starts first: it spends most of its minute waiting on its
// own etcd, kube-apiserver and kubectl, which the other workers' CPU-bound files fill in. Without
// it, a run without jest's cache (CI) starts it last by size and waits for it at the end.
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = ['apiserver.test.ts'];

class ServersFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const rank = (t) => (FIRST.some((name) => t.path.endsWith(`/${name}`)) ? 0 : 1);
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = ServersFirst;
