import { renderRecord, renderTable } from './table';

describe('renderTable', () => {
  it('aligns columns under upper-case headings, one line per row, no colours or trailing spaces', () => {
    const text = renderTable(
      [
        { id: 'a1', name: 'Payments' },
        { id: 'b22', name: 'Growth\nteam' },
      ],
      [
        { header: 'id', value: (r) => r.id },
        { header: 'name', value: (r) => r.name },
      ],
    );
    expect(text.split('\n')).toEqual(['ID   NAME', 'a1   Payments', 'b22  Growth team']);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/\u001b\[/);
  });
});

describe('renderRecord', () => {
  it('lists fields as aligned `name:  value` lines', () => {
    expect(
      renderRecord([
        ['id', 'x'],
        ['created', '2026-01-01T00:00:00Z'],
      ]).split('\n'),
    ).toEqual(['id:       x', 'created:  2026-01-01T00:00:00Z']);
  });

  it('continues a field on the next line when the name is empty (one digest per line)', () => {
    expect(
      renderRecord([
        ['signers', 'a'],
        ['', 'b'],
      ]).split('\n'),
    ).toEqual(['signers:  a', '          b']);
  });
});
