/**
 * Makes ECharts' SVG output stable and static:
 * - ids (`zr12-c0`, gradients, clip paths) are numbered per chart instance by a process-wide
 *   counter; they are renumbered `cp-0`, `cp-1`... in order of appearance, so the same chart
 *   gives the same bytes in any process and after any number of renders;
 * - hover CSS, `class` hooks and `ecmeta_*` attributes only serve interactive use and are
 *   dropped (the hover CSS even holds `fill:[object Object]` for gradients).
 */
export function stabilizeSvg(svg: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = m[1]!;
    if (!ids.has(id)) ids.set(id, `cp-${ids.size}`);
  }
  return svg
    .replace(/<style\s*>[\s\S]*?<\/style>\n?/g, '')
    .replace(/ class="zr\d+-cls-\d+"/g, '')
    .replace(/ ecmeta_[a-z_]+="[^"]*"/g, '')
    .replace(/(\sid="|url\(#|href="#)([^")]+)/g, (all, lead: string, id: string) => {
      const to = ids.get(id);
      return to === undefined ? all : lead + to;
    });
}
