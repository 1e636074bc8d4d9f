/**
 * Reads the documentation as the docs tests need it: fenced code blocks with their info string
 * (the `runnable` marker and its attributes), headings as GitHub anchors, and relative links.
 *
 * The marker is documented in docs/contributing.md ("Docs that cannot rot"):
 *   ```sh runnable [project=examples/x] [exit=N] [session=name]
 *   ```yaml runnable [file=confiture.yaml]
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Fence {
  file: string;
  /** 1-based line of the opening fence */
  line: number;
  lang: string;
  /** words after the language, e.g. ['runnable', 'exit=2'] */
  words: string[];
  attrs: Record<string, string>;
  runnable: boolean;
  body: string;
}

export interface Link {
  file: string;
  line: number;
  target: string;
}

export interface MarkdownDoc {
  file: string;
  fences: Fence[];
  /** anchors of the headings (GitHub's slugs, duplicates suffixed -1, -2, …) */
  anchors: Set<string>;
  links: Link[];
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/;

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  const text = heading
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
}

export function parseMarkdown(file: string, text: string): MarkdownDoc {
  const lines = text.split('\n');
  const fences: Fence[] = [];
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const links: Link[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE_OPEN.exec(lines[i]!);
    if (m) {
      const marker = m[2]!;
      const words = (m[4] ?? '').split(/\s+/).filter(Boolean);
      const attrs: Record<string, string> = {};
      for (const w of words) {
        const eq = w.indexOf('=');
        if (eq > 0) attrs[w.slice(0, eq)] = w.slice(eq + 1);
      }
      const body: string[] = [];
      let j = i + 1;
      const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
      while (j < lines.length && !close.test(lines[j]!)) body.push(lines[j++]!);
      fences.push({ file, line: i + 1, lang: m[3] ?? '', words, attrs, runnable: words.includes('runnable'), body: body.join('\n') + '\n' });
      i = j;
      continue;
    }
    const line = lines[i]!;
    const h = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = slug(h[1]!);
      const n = seen.get(base) ?? 0;
      anchors.add(n === 0 ? base : `${base}-${n}`);
      seen.set(base, n + 1);
    }
    for (const a of line.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(a[1]!);
    // inline links and images outside code spans: [text](target "title")
    const noCode = line.replace(/`[^`]*`/g, '');
    for (const l of noCode.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ file, line: i + 1, target: l[1]! });
  }
  return { file, fences, anchors, links };
}

export function readMarkdown(file: string): MarkdownDoc {
  return parseMarkdown(file, fs.readFileSync(file, 'utf8'));
}

/** README.md and every .md file under docs/ and examples/ (relative to the repository). */
export function documentationFiles(repo: string): string[] {
  const out = ['README.md'];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(repo, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(rel);
      } else if (e.name.endsWith('.md')) out.push(rel);
    }
  };
  for (const d of ['docs', 'examples']) if (fs.existsSync(path.join(repo, d))) walk(d);
  return out.sort();
}
