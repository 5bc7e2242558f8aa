import traceback
from tapecut.bench import _mime_strategies as m, fuzz
def test_x():
    bad=[]
    class C(m.Checker):
        def check(self, raw):
            try:
                super().check(raw)
            except Exception:
                bad.append((raw, traceback.format_exc()))
                raise
    r=fuzz.run_strategy(m.structured(), 40, 1, C())
    if bad:
        raw, tb = min(bad, key=lambda x: len(x[0]))
        print(repr(raw)); print(tb)
    assert not bad
