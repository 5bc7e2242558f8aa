"""Stop words for keyword labels, written for Tapecut: the commonest English and German
function words plus the words every red-tape report uses (they label nothing)."""

from __future__ import annotations

from tapecut.analysis.text import fold

_ENGLISH = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each even every few
for from further had has have having he her here hers herself him himself his how i if in into
is it its itself just me more most my myself no nor not now of off on once only or other our
ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up us very was we were
what when where which while who whom why will with would you your yours yourself yourselves
yet still already again always never often sometimes maybe really quite much many lot lots
get gets got make makes made take takes took need needs needed must may might shall cannot
one two three four five six seven eight nine ten first second new old time times day days week
weeks month months year years hour hours minute minutes please thanks thank hello hi dear
regards best kind sincerely cheers team colleague colleagues people someone something anything
everything nothing thing things way ways like just also well back even since via per etc
"""

_GERMAN = """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
auch auf aus bei beim bin bis bist da damit dann das dass dem den denn der des dessen dich die
dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines
einig einige er es etwas euch euer eure für gegen gewesen hab habe haben hat hatte hatten hier
hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in indem ins ist jede jedem jeden
jeder jedes jene jetzt kann kein keine keinem keinen keiner können könnte machen man manche
mein meine meinem meinen meiner mich mir mit muss musste nach nicht nichts noch nun nur ob oder
ohne sehr sein seine seinem seinen seiner seit sich sie sind so solche soll sollte sondern
sonst über um und uns unser unsere unter viel vom von vor war waren warum was weil welche
welchem welchen welcher wenn wer werde werden wie wieder will wir wird wirst wo wollen würde
würden zu zum zur zwar zwischen immer schon bereits mal mehr bitte danke dank hallo liebe lieber
grüße gruß freundlichen herr frau damen herren geehrte geehrter sehr viele gibt geht gut neue
eins zwei drei vier fünf sechs sieben acht neun zehn tag tage tagen woche wochen monat monate
jahr jahre stunde stunden minute minuten uhr etc bzw ca usw zb dass beim seit dabei dafür
dazu daher darum deshalb trotzdem sowie sowohl wurde wurden worden wäre hätte hätten kollegen
kolleginnen leute jemand etwas immer einfach wirklich ganz eigentlich leider bzw
"""

ENGLISH = _ENGLISH.split()
GERMAN = _GERMAN.split()
# Folded like the keyword tokens, so that "für" and "fuer" are both stop words.
STOP_WORDS: frozenset[str] = frozenset(fold(w) for w in ENGLISH + GERMAN)
