import { FONT_STACK } from '../font.js';
import { measureText } from './metrics.js';
import { dropForbiddenXmlChars } from './xml-chars.js';

/** Escapes text for SVG content and attribute values (dropping characters XML forbids). */
export function escapeXml(text: string): string {
  return dropForbiddenXmlChars(text).replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/** `text` cut (with an ellipsis) to fit `maxWidth` px in the given font. */
function truncateText(text: string, maxWidth: number, font: string): string {
  if (measureText(text, font).width <= maxWidth) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measureText(`${chars.slice(0, mid).join('')}…`, font).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${chars.slice(0, lo).join('').trimEnd()}…`;
}

/** Splits `text` into at most `maxLines` lines of at most `maxWidth` px, the last cut short. */
function wrapText(text: string, maxWidth: number, font: string, maxLines: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < words.length; i++) {
    const next = line === '' ? words[i]! : `${line} ${words[i]}`;
    if (measureText(next, font).width <= maxWidth || line === '') {
      line = next;
      continue;
    }
    if (lines.length === maxLines - 1) {
      line = `${line} ${words.slice(i).join(' ')}`;
      break;
    }
    lines.push(line);
    line = words[i]!;
  }
  if (line !== '') lines.push(line);
  return lines.map((l, i) =>
    i === maxLines - 1 || measureText(l, font).width > maxWidth ? truncateText(l, maxWidth, font) : l,
  );
}

/**
 * The SVG drawn in place of a chart that failed: a light red box of exactly `width` x `height`
 * with "Chart <id> failed" and the reason (escaped, wrapped and cut to fit), set in Inter.
 */
export function errorPlaceholderSvg(input: {
  id: string;
  reason: string;
  width: number;
  height: number;
}): string {
  const { width, height } = input;
  const small = Math.min(width / 300, height / 120);
  const titleSize = Math.max(8, Math.min(14, Math.round(14 * small)));
  const textSize = Math.max(7, Math.min(12, Math.round(12 * small)));
  const pad = Math.max(4, Math.min(16, Math.round(width * 0.04)));
  const inner = Math.max(0, width - 2 * pad);
  const titleFont = `600 ${titleSize}px ${FONT_STACK}`;
  const textFont = `${textSize}px ${FONT_STACK}`;
  const title = truncateText(`Chart ${input.id} failed`, inner, titleFont);
  const room = Math.floor((height - 2 * pad - titleSize * 1.6) / (textSize * 1.35));
  const lines = room > 0 ? wrapText(input.reason, inner, textFont, Math.min(room, 6)) : [];
  const blockHeight =
    titleSize * 1.2 + lines.length * textSize * 1.35 + (lines.length > 0 ? textSize * 0.4 : 0);
  let y = Math.max(pad, (height - blockHeight) / 2) + titleSize;
  const text: string[] = [
    `<text x="${width / 2}" y="${round(y)}" text-anchor="middle" font-size="${titleSize}" font-weight="600" fill="#9b2c2c">${escapeXml(title)}</text>`,
  ];
  y += textSize * 0.4;
  for (const line of lines) {
    y += textSize * 1.35;
    text.push(
      `<text x="${width / 2}" y="${round(y)}" text-anchor="middle" font-size="${textSize}" fill="#5b6472">${escapeXml(line)}</text>`,
    );
  }
  return [
    `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" font-family="${FONT_STACK}">`,
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="4" fill="#fdf2f2" stroke="#e8b4b4" stroke-dasharray="4 3"/>`,
    ...text,
    '</svg>',
  ].join('\n');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
