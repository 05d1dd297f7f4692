// CPU profiles of a page's main thread for the app benchmark (`--profile`): recorded through the
// DevTools protocol, written as .cpuprofile (open in Chrome DevTools or speedscope) and summed up
// by function and by source module. Build unminified (KAIFONG_UNMINIFIED=1, see vite.config.ts)
// so functions keep their names and rolldown's `// src/…` comments name the module of each line.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page } from '@playwright/test';
import { printTable } from './report.ts';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
/** A V8 CPU profile, as `Profiler.stop` returns it. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One row of a summary: self time (in the function itself) and total time (with its callees). */
export interface ProfileEntry {
  readonly name: string;
  readonly selfMs: number;
  readonly totalMs: number;
}

export interface ProfileSummary {
  readonly spanMs: number;
  /** Time in script, rendering and the like: every sample but idle ones. */
  readonly busyMs: number;
  readonly byFunction: readonly ProfileEntry[];
  readonly byModule: readonly ProfileEntry[];
}

/** Starts sampling the page's main thread every `intervalUs`; stop with `stop()`. */
export async function startProfile(page: Page, intervalUs = 250): Promise<{ stop(): Promise<CpuProfile> }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
  return {
    async stop() {
      const { profile } = await cdp.send('Profiler.stop');
      await cdp.detach().catch(() => undefined);
      return profile as CpuProfile;
    },
  };
}

/** Finds, for a built chunk's URL and line, the source module rolldown's comments name. */
class ModuleLocator {
  readonly #starts = new Map<string, { line: number; module: string }[]>();
  readonly #dist: string;

  constructor(dist: string) {
    this.#dist = dist;
  }

  moduleOf(url: string, line: number): string {
    if (!url) return '(native)';
    const path = url.replace(/^https?:\/\/[^/]+\//, '');
    let starts = this.#starts.get(path);
    if (!starts) {
      const found: { line: number; module: string }[] = [];
      try {
        const lines = readFileSync(join(this.#dist, path), 'utf8').split('\n');
        lines.forEach((text, i) => {
          const m = /^\/\/ ((?:\.\.\/)*(?:src|node_modules)\/\S+)$/.exec(text);
          if (m) found.push({ line: i, module: m[1]! });
        });
      } catch {
        // not a file of the build (an extension, an eval): named by its URL
      }
      this.#starts.set(path, (starts = found));
    }
    let module = path;
    for (const start of starts) {
      if (start.line > line) break;
      module = start.module;
    }
    return module.replace(/^.*node_modules\/(?:\.pnpm\/)?/, 'node_modules/');
  }
}

/** Self and total time by function and by module; idle, program and GC samples named as V8 names them. */
export function summarise(profile: CpuProfile, dist: string, top = 25): ProfileSummary {
  const locator = new ModuleLocator(dist);
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const labels = new Map<number, { fn: string; module: string }>();
  const labelOf = (id: number) => {
    let label = labels.get(id);
    if (!label) {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      const module = locator.moduleOf(url, lineNumber);
      const name = functionName || '(anonymous)';
      label = { fn: url ? `${name} ${module}` : name, module: url ? module : name };
      labels.set(id, label);
    }
    return label;
  };
  const fnSelf = new Map<string, number>();
  const fnTotal = new Map<string, number>();
  const modSelf = new Map<string, number>();
  const modTotal = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let busy = 0;
  profile.samples.forEach((id, i) => {
    // A sample stands for the time until the next one.
    const us = profile.timeDeltas[i + 1] ?? 0;
    const self = labelOf(id);
    if (self.fn !== '(idle)') busy += us;
    add(fnSelf, self.fn, us);
    add(modSelf, self.module, us);
    const fns = new Set<string>();
    const mods = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const label = labelOf(at);
      if (label.fn === '(root)') continue;
      fns.add(label.fn);
      mods.add(label.module);
    }
    fns.forEach((fn) => add(fnTotal, fn, us));
    mods.forEach((module) => add(modTotal, module, us));
  });
  const rows = (self: Map<string, number>, total: Map<string, number>) =>
    [...total.keys()]
      .map((name) => ({ name, selfMs: (self.get(name) ?? 0) / 1000, totalMs: total.get(name)! / 1000 }))
      .filter((entry) => entry.name !== '(idle)')
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top);
  return {
    spanMs: (profile.endTime - profile.startTime) / 1000,
    busyMs: busy / 1000,
    byFunction: rows(fnSelf, fnTotal),
    byModule: rows(modSelf, modTotal),
  };
}

/** Prints a summary's two tables under `title`. */
export function printProfile(title: string, summary: ProfileSummary): void {
  const fmt = (value: number) => `${value.toFixed(0)} ms`;
  const table = (what: string, entries: readonly ProfileEntry[]) =>
    printTable(
      `${title}: ${what} (main thread busy ${fmt(summary.busyMs)} of ${fmt(summary.spanMs)})`,
      ['self', 'total', what],
      entries.map((e) => [fmt(e.selfMs), fmt(e.totalMs), e.name]),
    );
  table('by module', summary.byModule);
  table('by function', summary.byFunction);
}
