import { compareUtf8, sortInPlace } from '@notiflux/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// Short arrays take the insertion sort, longer ones (over 16) the built-in: both must agree
// with the built-in sort, which is stable, for every input.
const keys = fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 4 }), { maxLength: 40 });
const anyKeys = fc.array(fc.string({ unit: 'binary', maxLength: 3 }), { maxLength: 40 });

describe('sortInPlace', () => {
  it('sorts as the built-in sort does, in the array it was given', () => {
    fc.assert(
      fc.property(keys, (input) => {
        const array = [...input];
        expect(sortInPlace(array)).toBe(array);
        expect(array).toEqual([...input].sort());
      }),
    );
  });

  it('sorts by a comparator as the built-in sort does, lone surrogates included', () => {
    fc.assert(
      fc.property(anyKeys, (input) => {
        expect(sortInPlace([...input], compareUtf8)).toEqual([...input].sort(compareUtf8));
      }),
    );
  });

  it('keeps keys the comparator finds equal in the order they came (stable)', () => {
    const byFirstCharacter = (a: string, b: string) => (a[0] ?? '').localeCompare(b[0] ?? '');
    fc.assert(
      fc.property(keys, (input) => {
        expect(sortInPlace([...input], byFirstCharacter)).toEqual([...input].sort(byFirstCharacter));
      }),
    );
  });

  it('leaves sorted, empty and one-key arrays as they are', () => {
    expect(sortInPlace([])).toEqual([]);
    expect(sortInPlace(['only'])).toEqual(['only']);
    expect(sortInPlace(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(sortInPlace(['revision', 'summary', 'Revision'])).toEqual(['Revision', 'revision', 'summary']);
  });
});
