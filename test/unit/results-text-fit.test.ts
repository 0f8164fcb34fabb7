// Which results table cells need a clip (textFit.ts): only a text that may be wider than its column.
// The estimate must never be below the text's real width, or a cell's text would run into the next.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextFit } from '../../webview/results/textFit';

/** A stand-in for canvas measureText: 'W' 12 px, 'i' 3 px, digits 6 px, anything else 7 px per character. */
function font(): { measure: (s: string) => number; calls: string[] } {
  const calls: string[] = [];
  const advance = (ch: string): number => (ch === 'W' ? 12 : ch === 'i' ? 3 : /[0-9]/.test(ch) ? 6 : 7);
  return {
    calls,
    measure: (s: string) => {
      calls.push(s);
      return [...s].reduce((sum, ch) => sum + advance(ch), 0);
    },
  };
}

test('the width is the sum of the characters’ advances with a margin, never below it', () => {
  const { measure } = font();
  const fit = new TextFit(measure, 6);
  for (const text of ['host-12.example', 'WWWW', 'iiii', '10.0.0.1', 'Müller – Zürich']) {
    const exact = measure(text);
    const w = fit.width(text);
    assert.ok(w >= exact, `${text}: estimate ${w} ≥ ${exact}`);
    assert.ok(w <= exact * 1.05 + 3, `${text}: estimate ${w} stays close to ${exact} (cells that fit are not clipped)`);
  }
  assert.ok(fit.width('WWWW') > fit.width('iiii'), 'each character has its own advance');
});

test('a text fits when its estimate is within the room; an empty text always fits', () => {
  const { measure } = font();
  const fit = new TextFit(measure, 6);
  const text = 'host-1.example';
  assert.equal(fit.fits(text, fit.width(text)), true);
  assert.equal(fit.fits(text, fit.width(text) - 0.5), false);
  assert.equal(fit.fits(text, measure(text)), false, 'no room for the margin: clipped');
  assert.equal(fit.fits('', 0), true);
});

test('digits are as wide as the cells show them (tabular figures wider than the font’s default)', () => {
  const { measure } = font();
  const fit = new TextFit(measure, 9);
  assert.ok(fit.width('1234') >= 4 * 9, 'the measured tabular digit width counts');
  assert.ok(new TextFit(measure, 2).width('1234') >= 4 * 6, 'never below the font’s own digit advance');
});

test('characters outside the Latin blocks, and control characters, are not estimated: the cell is clipped', () => {
  const { measure } = font();
  const fit = new TextFit(measure, 6);
  for (const text of ['東京-01', 'probe 🚀', 'Cafe\u0301', 'Ελλάδα', 'a\tb', 'x\u200by']) {
    assert.equal(fit.width(text), Number.POSITIVE_INFINITY, JSON.stringify(text));
    assert.equal(fit.fits(text, 10_000), false, JSON.stringify(text));
  }
  assert.ok(Number.isFinite(fit.width('Ærøskøbing ŁÓDŹ')), 'Latin-1 and Latin Extended are estimated');
  assert.ok(Number.isFinite(fit.width('“a” – b… • 5‰')), 'so are common punctuation marks');
});

test('each character is measured once, on first sight', () => {
  const { measure, calls } = font();
  const fit = new TextFit(measure, 6);
  const afterDigits = calls.length;
  assert.equal(afterDigits, 10, 'the ten digits are measured up front');
  fit.width('abcabc');
  fit.width('cab');
  assert.deepEqual(calls.slice(afterDigits), ['a', 'b', 'c']);
});
