import { type SpawnOptions, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** How often the memory of a process tree is sampled: every 50 ms. */
const SAMPLE_MS = 50;

const PAGE = 4096;

/** The processes a process started, by /proc (each of its threads lists its own). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text !== '') out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // Gone meanwhile.
  }
  return out;
}

/** Resident memory of a process, in bytes; 0 once it is gone. */
function rssOf(pid: number): number {
  try {
    const resident = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(resident) ? resident * PAGE : 0;
  } catch {
    return 0;
  }
}

/** A process and every process under it, as they run now. */
export function treeOf(pid: number): number[] {
  const tree: number[] = [];
  const todo = [pid];
  for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
    tree.push(p);
    todo.push(...childrenOf(p));
  }
  return tree;
}

/** Resident memory of a process and every process under it, in bytes. */
export function treeRss(pid: number): number {
  return treeOf(pid).reduce((sum, p) => sum + rssOf(p), 0);
}

/**
 * Runs a command to its end and gives its standard output with the peak resident memory of the
 * command and the processes it started, together, sampled every `SAMPLE_MS` (Linux only: 0
 * elsewhere). Its standard error goes to this process's. Rejects when it fails.
 */
export function runSampled(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): Promise<{ stdout: string; peakTreeRss: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let peak = 0;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const timer = setInterval(() => {
      if (child.pid !== undefined && process.platform === 'linux') peak = Math.max(peak, treeRss(child.pid));
    }, SAMPLE_MS);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve({ stdout, peakTreeRss: peak });
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
    });
  });
}
