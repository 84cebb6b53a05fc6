import { describe, expect, it } from 'vitest';
import { firstWord, hasSecondStatement } from '../../../src/data/sql/read-only.js';

describe('hasSecondStatement', () => {
  it.each([
    'select 1',
    'select 1;',
    'select 1; -- done\n',
    'select 1; /* done */  ',
    "select ';'",
    "select 'a'';b'",
    "select E'\\';x'",
    'select $$;$$',
    'select $a$ ; $a$',
    'select ";" from t',
    'select 1 /* ; */',
    'select $1',
  ])('one statement: %s', (sql) => expect(hasSecondStatement(sql)).toBe(false));

  it.each([
    'select 1; drop table t',
    'select 1;select 2',
    "select ';'; x",
    "select E'\\'';x",
    'select $$;$$; x',
    'select 1 as x) t; drop table t; select * from (select 1',
    "select 'a''b'; x",
    'select 1; -- c\n x',
  ])('two statements: %s', (sql) => expect(hasSecondStatement(sql)).toBe(true));
});

describe('firstWord', () => {
  it('skips comments, nested ones too, and parentheses', () => {
    expect(firstWord(' /* a /* b */ */ -- x\n ((SELECT 1')).toBe('select');
    expect(firstWord("copy t to program 'x'")).toBe('copy');
    expect(firstWord('  ')).toBe('');
  });
});
