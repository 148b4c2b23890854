// A small validating parser for the text exposition format (0.0.4), written from the format's rules
// so that the renderer is checked against the format and not against itself.
export interface ParsedSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}
export interface ParsedFamily {
  help?: string;
  type?: string;
  samples: ParsedSample[];
}

export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, ParsedFamily>();
  const family = (name: string): ParsedFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const seenSeries = new Set<string>();
  let current: string | undefined;
  const lines = text.split('\n').slice(0, -1);
  for (const [lineNo, line] of lines.entries()) {
    const where = `line ${lineNo + 1}: ${line}`;
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
      const match = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (match === null) throw new Error(`bad comment ${where}`);
      const [, keyword, name, rest] = match as unknown as [string, string, string, string];
      const f = family(name);
      if (keyword === 'HELP') {
        if (f.help !== undefined) throw new Error(`second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`bad escape in HELP ${where}`);
        f.help = rest.replace(/\\(\\|n)/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
      } else {
        if (f.type !== undefined) throw new Error(`second TYPE for ${name}`);
        if (f.samples.length > 0) throw new Error(`TYPE after samples for ${name}`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad type ${where}`);
        f.type = rest;
      }
      current = name;
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
    if (head === null) throw new Error(`bad metric name ${where}`);
    const name = head[1] ?? '';
    let pos = name.length;
    const labels: Record<string, string> = {};
    if (line[pos] === '{') {
      pos++;
      while (line[pos] !== '}') {
        const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(pos));
        if (labelMatch === null) throw new Error(`bad label at ${pos} ${where}`);
        const labelName = labelMatch[1] ?? '';
        if (labelName.startsWith('__')) throw new Error(`reserved label name ${where}`);
        if (labelName in labels) throw new Error(`duplicate label ${labelName} ${where}`);
        pos += labelMatch[0].length;
        let value = '';
        for (;;) {
          const ch = line[pos];
          if (ch === undefined) throw new Error(`unterminated label value ${where}`);
          if (ch === '"') break;
          if (ch === '\\') {
            const next = line[pos + 1];
            if (next === 'n') value += '\n';
            else if (next === '\\' || next === '"') value += next;
            else throw new Error(`bad escape \\${String(next)} ${where}`);
            pos += 2;
          } else {
            value += ch;
            pos++;
          }
        }
        pos++;
        labels[labelName] = value;
        if (line[pos] === ',') pos++;
        else if (line[pos] !== '}') throw new Error(`expected , or } at ${pos} ${where}`);
      }
      pos++;
    }
    const valueMatch = /^ (\S+)( -?\d+)?$/.exec(line.slice(pos));
    if (valueMatch === null) throw new Error(`bad value ${where}`);
    const raw = valueMatch[1] ?? '';
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : raw === 'NaN' ? NaN : Number(raw);
    if (Number.isNaN(value) && raw !== 'NaN') throw new Error(`unparseable value ${where}`);
    // Samples must follow their own family's TYPE line (families are not interleaved).
    if (current !== name) throw new Error(`sample for ${name} outside its family block ${where}`);
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seenSeries.has(series)) throw new Error(`duplicate series ${where}`);
    seenSeries.add(series);
    family(name).samples.push({ name, labels, value });
  }
  return families;
}

