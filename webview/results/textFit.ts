// Which table cells need a clip. A clip on every cell (overflow: hidden) gives each cell its own clip
// node in Chromium's paint property trees and so its own paint chunk: about 300 per screen, which
// made pre-paint, layerization and commit a large part of every scroll frame. Most cells fit their
// column, so only a cell whose text may be wider than its column is clipped (with the ellipsis).
//
// The test is an upper bound of the text's width: the sum of each character's advance in the cell
// font (kerning and ligatures only narrow a text), with a margin. Characters outside the Latin
// blocks and the common punctuation (combining marks, other scripts, emoji, zero-width and format
// characters: their shaping or fallback font is not predicted by single advances) are not
// estimated, and such a text is always clipped.

/** Code points below this are estimated (Basic Latin, Latin-1, Latin Extended-A and -B). */
const ESTIMATED = 0x250;
/** General Punctuation estimated too: dashes, quotes, bullets, ellipsis (U+2010–2027), per mille to ⁞ (U+2030–205E). */
const PUNCTUATION = 0x2000;
const isPunctuation = (code: number): boolean => (code >= 0x2010 && code <= 0x2027) || (code >= 0x2030 && code <= 0x205e);
/** Relative and absolute margin on the sum of advances (sub-pixel rounding, hinting). */
const MARGIN_RATIO = 1.03;
const MARGIN_PX = 2;

export class TextFit {
  /** Advance of each estimated code point in px; NaN = not measured yet. */
  private readonly advance = new Float64Array(ESTIMATED).fill(Number.NaN);
  /** The same for General Punctuation (index: code point − U+2000). */
  private readonly punctuation = new Float64Array(0x70).fill(Number.NaN);

  /**
   * `measure` gives a string's advance in the cell font (canvas measureText); `digit` is the width
   * of one digit as the cells show digits (tabular figures may be wider than a font's default ones).
   */
  constructor(
    private readonly measure: (text: string) => number,
    digit: number,
  ) {
    for (let d = 0x30; d <= 0x39; d++) this.advance[d] = Math.max(digit, measure(String.fromCharCode(d)));
  }

  /** An upper bound of the width of `text` in px; Infinity when the text is not estimated. */
  width(text: string): number {
    let sum = 0;
    const advance = this.advance;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < ESTIMATED && code >= 0x20) {
        let a = advance[code];
        if (a !== a) a = advance[code] = this.measure(String.fromCharCode(code)); // NaN: first sight
        sum += a;
      } else if (isPunctuation(code)) {
        let a = this.punctuation[code - PUNCTUATION];
        if (a !== a) a = this.punctuation[code - PUNCTUATION] = this.measure(String.fromCharCode(code));
        sum += a;
      } else return Number.POSITIVE_INFINITY;
    }
    return sum * MARGIN_RATIO + MARGIN_PX;
  }

  /** True when `text` surely fits `room` px (false means it may not: clip it). */
  fits(text: string, room: number): boolean {
    return text.length === 0 || this.width(text) <= room;
  }
}
