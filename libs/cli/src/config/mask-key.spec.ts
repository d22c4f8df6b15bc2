import { keyIdOf, keyIdReference, maskKey } from './mask-key';

describe('maskKey', () => {
  it('shows the key id and hides the secret', () => {
    const key = `tsk_00ff00ff00ff00ff_${'A'.repeat(43)}`;
    expect(maskKey(key)).toBe('tsk_00ff00ff00ff00ff_****');
    expect(maskKey(key)).not.toContain('AAAA');
    expect(keyIdOf(key)).toBe('00ff00ff00ff00ff');
  });

  it('hides all of anything that is not a well-formed key', () => {
    expect(maskKey('tsk_00ff00ff00ff00ff_short')).toBe('****');
    expect(maskKey('hunter2')).toBe('****');
    expect(keyIdOf('hunter2')).toBeUndefined();
  });
});

describe('keyIdReference', () => {
  it('finds the key id in a bare id, a masked key or a key, and nothing elsewhere', () => {
    expect(keyIdReference('00ff00ff00ff00ff')).toBe('00ff00ff00ff00ff');
    expect(keyIdReference('tsk_00ff00ff00ff00ff_****')).toBe('00ff00ff00ff00ff');
    expect(keyIdReference('00FF')).toBeUndefined();
    expect(keyIdReference('tsk_zz_****')).toBeUndefined();
  });
});
