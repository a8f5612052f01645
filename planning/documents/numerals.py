"""Word's list number formats (w:numFmt) rendered as Word draws them, for the ones plans use."""

from __future__ import annotations

from tasks.plan_text.text import _numeral

_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def render_number(value: int, fmt: str) -> str:
    """``value`` in the format ``fmt``; decimal for formats plans do not use."""
    if value < 1:
        return str(value)
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting"):
        return _numeral(value) if value < 100 else str(value)
    if fmt == "ideographTraditional":
        return _TIANGAN[(value - 1) % len(_TIANGAN)]
    if fmt == "ideographZodiac":
        return _DIZHI[(value - 1) % len(_DIZHI)]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[value - 1] if value <= len(_CIRCLED) else str(value)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(digit) - ord("0") + ord("０")) for digit in str(value))
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = ""
        for amount, symbol in _ROMAN:
            count, value = divmod(value, amount)
            roman += symbol * count
        return roman if fmt == "upperRoman" else roman.lower()
    return str(value)
