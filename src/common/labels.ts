// `--label K=V` lists (run/create, volume create, network create) → a label map, as docker's
// opts.ConvertKVStringsToMap: the key ends at the first `=`; a bare `K` gets the value "".
export function labelMap(labels: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of labels) {
    const i = l.indexOf("=");
    out[i < 0 ? l : l.slice(0, i)] = i < 0 ? "" : l.slice(i + 1);
  }
  return out;
}
