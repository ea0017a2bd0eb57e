"""Small word lists for the language checks in language.py.

ENGLISH holds English words that are not also everyday words in French, German or Spanish
(so no 'on', 'but', 'or', 'me', 'so', 'in', 'was', 'will', 'also', 'table', 'question'): one of
them inside a passage marked fr, de or es is very likely an English label or gloss. FOREIGN holds
everyday French, German and Spanish words that are not English words; a word with an accent, an
umlaut, ß or ñ counts as foreign too, except the English loanwords in LOANWORDS.
"""

from __future__ import annotations

ENGLISH = frozenset("""
the and of to with this that these those you your our their they she he's it's we is are be
been being have having had does did now then than there here where when what which who whom
why how because about into onto from over before again only just very much many more some any
each every other another such same both either neither should would could shall can't don't
isn't aren't
key word words read reading aloud say write writing listen listening speak speaking find
answer answers example examples sentence sentences picture pictures year years pupil pupils
teacher teachers class lesson homework school core soft hard mystery sound sounds letter
letters spelling rhyme rhymes pencil pen ruler rubber book books bag door window yes please
thank thanks hello goodbye first third next noun nouns verb verbs adjective adjectives ending
endings tense
""".split())

FOREIGN = frozenset("""
le la les l' un une des du au aux et est sont je tu il elle nous vous ils elles avec pour dans
sur chez mais ou où qui quoi très bien bonjour merci oui avoir être aller faire jouer aimer
j'ai c'est mon mes tes ses notre votre leur
der das dem ein eine einen einem einer und ist sind ich du wir ihr sie mit für auf aus bei
nicht auch sehr guten morgen danke ja nein haben sein gehen machen spielen mein meine dein
deine seine
el los las una unos unas yo tú él ella nosotros vosotros ellos es está están muy hola gracias
sí tener ser estar ir hacer jugar tengo tus sus del pero para por qué cómo dónde cuándo
""".split())

LOANWORDS = frozenset("""
café cafés naïve naïvety résumé rôle décor début cliché façade fiancé protégé déjà
crème brûlée entrée entrées
""".split())
