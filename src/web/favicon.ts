/**
 * The favicon: a speech bubble with a question mark in the tenant's colour, as SVG and as PNG.
 * The pages link the PNG: Chromium draws an SVG favicon as a document of its own on the page's main
 * thread once the page has loaded (10–13 ms of CPU with the glyph as text, measured in Lighthouse traces;
 * 50–200 ms on a busy phone-sized CPU), and that long task counted against the page's blocking time.
 * A 48 px PNG is decoded in well under a millisecond. resvg renders it from the same drawing, once per colour.
 */
import { Resvg } from '@resvg/resvg-js';

/** The question mark is a path, not text: the drawing then needs no font, in a browser or in resvg. */
export const faviconSvg = (colour: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
  `<path d="M4 3h24a3 3 0 0 1 3 3v16a3 3 0 0 1-3 3H13l-7 5v-5H4a3 3 0 0 1-3-3V6a3 3 0 0 1 3-3z" fill="${colour}"/>` +
  `<path d="M12 10.5a4 4 0 1 1 6 3.4c-1.2.7-2 1.4-2 2.6v.5" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/>` +
  `<circle cx="16" cy="20.3" r="1.6" fill="#fff"/></svg>`;

/** Sharp at 32 CSS pixels on screens of up to 1.5 device pixels per CSS pixel. */
export const FAVICON_PNG_SIZE = 48;

const rendered = new Map<string, Uint8Array<ArrayBuffer>>();

/** The PNG for a colour (`#rrggbb`, checked by the tenant schema); rendered on first use, then kept. */
export function faviconPng(colour: string): Uint8Array<ArrayBuffer> {
  let png = rendered.get(colour);
  if (!png) {
    png = new Uint8Array(new Resvg(faviconSvg(colour), { fitTo: { mode: 'width', value: FAVICON_PNG_SIZE } }).render().asPng());
    rendered.set(colour, png);
  }
  return png;
}
